"""The published catalogue as the matcher and the search read it: built once per change of the data and of the day.

Every page that searches or matches asks ``current()``: one query reads the catalogue's version (the latest change
of a scheme, a term or a funder, and the number of schemes); when it moved, or the day changed, the schemes are
read again and indexed. Each process keeps its own copy, always checked against the database, so that several
servers never disagree for long and a write through the admin is seen at once.
"""

import datetime as dt
import threading
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from aiguillage.lib.text import normalize_name, stem
from funding.models import Funder, FunderLevel, FundingTerm, Scheme
from funding.places import AreaLabels
from funding.vocabularies import Terms
from funding_match import Catalogue, MatchSettings, SchemeFacts, amount_label
from funding_match.perimeter import Area


@dataclass(frozen=True)
class SchemeCard:
    """What a result shows of a scheme, read with the catalogue: no query per result."""

    id: int
    title: str
    url: str
    summary: str
    status: str
    # (name, level code, level in French)
    funders: tuple[tuple[str, str, str], ...]
    perimeter: str
    kinds: tuple[str, ...]
    programmes: tuple[str, ...]
    amount: str
    needs_check: bool
    checked_on: dt.date | None
    source_url: str


@dataclass(frozen=True)
class Snapshot:
    version: tuple[object, ...]
    today: dt.date
    catalogue: Catalogue
    cards: dict[int, SchemeCard]
    terms: Terms
    funder_levels: tuple[tuple[str, str], ...]


_lock = threading.Lock()
_memo: dict[str, Snapshot] = {}


def version() -> tuple[object, ...]:
    """What changes whenever anything a search shows changes; one query."""
    tables = [model._meta.db_table for model in (Scheme, FundingTerm, Funder)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(updated_at) FROM {tables[0]}), (SELECT COUNT(*) FROM {tables[0]}), "
            f"(SELECT MAX(updated_at) FROM {tables[1]}), (SELECT MAX(updated_at) FROM {tables[2]})"
        )
        row = cursor.fetchone()
    return (connection.alias, *row)


def words_of(*texts: str) -> str:
    """Folded, stemmed words, as the search compares them with a query's keywords."""
    return " ".join(dict.fromkeys(stem(word) for word in normalize_name(" ".join(texts)).split()))


def facts_of(scheme: Scheme, terms: Terms, perimeter_label: str = "") -> SchemeFacts:
    """One scheme as the matcher sees it; its many-to-many fields are read as prefetched."""

    def codes(name: str) -> frozenset[str]:
        return frozenset(term.code for term in getattr(scheme, name).all())

    funders = list(scheme.funders.all())
    term_labels = [term.label for name in ("programmes", "themes", "kinds") for term in getattr(scheme, name).all()]
    published_on = timezone.localtime(scheme.published_at).date() if scheme.published_at else None
    return SchemeFacts(
        id=scheme.pk,
        title=scheme.title,
        status=scheme.status,
        areas=frozenset(Area(area.kind, area.code) for area in scheme.areas.all()),
        schedule=scheme.schedule,
        perimeter_label=perimeter_label,
        beneficiaries=codes("beneficiaries"),
        themes=codes("themes"),
        expenses=codes("expenses"),
        kinds=codes("kinds"),
        programmes=codes("programmes"),
        funder_levels=frozenset(funder.level for funder in funders),
        amount_floor=scheme.amount_floor,
        amount_ceiling=scheme.amount_ceiling,
        rate_min=scheme.rate_min,
        rate_max=scheme.rate_max,
        words=words_of(scheme.title, scheme.summary, *(funder.name for funder in funders), *term_labels),
        parent_id=scheme.parent_id,
        published_on=published_on,
    )


PREFETCH = ("funders", "areas", "programmes", "kinds", "beneficiaries", "themes", "expenses")


def _build(key: tuple[object, ...], today: dt.date) -> Snapshot:
    terms = Terms.load()
    schemes = list(Scheme.objects.public().prefetch_related(*PREFETCH))
    labels = AreaLabels(Area(area.kind, area.code) for scheme in schemes for area in scheme.areas.all())
    facts = []
    cards = {}
    for scheme in schemes:
        areas = [Area(area.kind, area.code) for area in scheme.areas.all()]
        perimeter = labels.perimeter(areas)
        scheme_facts = facts_of(scheme, terms, perimeter)
        facts.append(scheme_facts)
        cards[scheme.pk] = SchemeCard(
            id=scheme.pk,
            title=scheme.title,
            url=scheme.get_absolute_url(),
            summary=scheme.summary,
            status=scheme.status,
            funders=tuple(
                (funder.name, funder.level, FunderLevel(funder.level).label) for funder in scheme.funders.all()
            ),
            perimeter=perimeter,
            kinds=tuple(term.label for term in scheme.kinds.all()),
            programmes=tuple(term.label for term in scheme.programmes.all()),
            amount=amount_label(scheme_facts),
            needs_check=scheme.needs_check,
            checked_on=scheme.checked_on,
            source_url=scheme.source_url,
        )
    used_levels = {level for fact in facts for level in fact.funder_levels}
    return Snapshot(
        version=key,
        today=today,
        catalogue=Catalogue(facts, today, MatchSettings(labels=terms.labels())),
        cards=cards,
        terms=terms,
        funder_levels=tuple((level.value, level.label) for level in FunderLevel if level.value in used_levels),
    )


def current(today: dt.date | None = None) -> Snapshot:
    today = today or timezone.localdate()
    key = version()
    cached = _memo.get(connection.alias)
    if cached is not None and cached.version == key and cached.today == today:
        return cached
    with _lock:
        snapshot = _build(key, today)
        _memo[connection.alias] = snapshot
    return snapshot


def forget() -> None:
    _memo.clear()
