"""The published catalogue as the matcher and the search read it: built once per change of the data and of the day.

Every page that searches or matches asks ``current()``: one query reads the catalogue's version (the latest change
of a scheme, a term or a funder, and the number of schemes); when it moved, or the day changed, the schemes are
read again and indexed. Each process keeps its own copy, always checked against the database, so that several
servers never disagree for long and a write through the admin is seen at once.
"""

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aiguillage.lib.text import normalize_name, stem
from funding.models import Funder, FunderLevel, FundingTerm, Scheme, SchemeArea
from funding.places import AreaLabels
from funding.vocabularies import Terms
from funding_match import Catalogue, MatchSettings, SchemeFacts, amount_label
from funding_match.calendar import YEARLY, MonthDay, Schedule
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


SCHEME_COLUMNS = (
    "pk",
    "title",
    "slug",
    "summary",
    "status",
    "recurrence",
    "opens_on",
    "closes_on",
    "window_start_month",
    "window_start_day",
    "window_end_month",
    "window_end_day",
    "amount_floor",
    "amount_ceiling",
    "rate_min",
    "rate_max",
    "parent_id",
    "published_at",
    "needs_check",
    "checked_on",
    "source_url",
)
TERM_FIELDS = ("beneficiaries", "themes", "expenses", "kinds", "programmes")


def _schedule(row: dict[str, Any]) -> Schedule:
    start = end = None
    if row["recurrence"] == YEARLY:
        start = MonthDay(row["window_start_month"], row["window_start_day"])
        end = MonthDay(row["window_end_month"], row["window_end_day"])
    return Schedule(
        recurrence=row["recurrence"],
        opens_on=row["opens_on"],
        closes_on=row["closes_on"],
        window_start=start,
        window_end=end,
    )


def _build(key: tuple[object, ...], today: dt.date) -> Snapshot:
    """Read with plain rows, not model instances: prefetching seven relations of thousands of schemes cost seconds."""
    terms = Terms.load()
    public = Scheme.objects.public()
    rows = list(public.values(*SCHEME_COLUMNS))
    ids = public.values("pk")
    areas: dict[int, list[Area]] = defaultdict(list)
    for scheme_id, kind, code in SchemeArea.objects.filter(scheme__in=ids).values_list("scheme_id", "kind", "code"):
        areas[scheme_id].append(Area(kind, code))
    linked: dict[str, dict[int, list[FundingTerm]]] = {}
    for name in TERM_FIELDS:
        through = getattr(Scheme, name).through
        linked[name] = defaultdict(list)
        for scheme_id, term_id in through.objects.filter(scheme__in=ids).values_list("scheme_id", "fundingterm_id"):
            linked[name][scheme_id].append(terms.by_id[term_id])
    funders_by_id = {row[0]: row[1:] for row in Funder.objects.values_list("pk", "name", "level")}
    funders: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for scheme_id, funder_id in Scheme.funders.through.objects.filter(scheme__in=ids).values_list(
        "scheme_id", "funder_id"
    ):
        funders[scheme_id].append(funders_by_id[funder_id])
    labels = AreaLabels(area for scheme_areas in areas.values() for area in scheme_areas)
    url = reverse("funding:scheme", kwargs={"pk": 1, "slug": "x"}).replace("/1-x/", "/{pk}-{slug}/")
    facts = []
    cards = {}
    for row in rows:
        pk = row["pk"]
        scheme_areas = areas.get(pk, [])
        perimeter = labels.perimeter(scheme_areas)
        related = {name: linked[name].get(pk, []) for name in TERM_FIELDS}
        scheme_funders = sorted(funders.get(pk, []))
        term_labels = [term.label for name in ("programmes", "themes", "kinds") for term in related[name]]
        published_at = row["published_at"]
        scheme_facts = SchemeFacts(
            id=pk,
            title=row["title"],
            status=row["status"],
            areas=frozenset(scheme_areas),
            schedule=_schedule(row),
            perimeter_label=perimeter,
            beneficiaries=frozenset(term.code for term in related["beneficiaries"]),
            themes=frozenset(term.code for term in related["themes"]),
            expenses=frozenset(term.code for term in related["expenses"]),
            kinds=frozenset(term.code for term in related["kinds"]),
            programmes=frozenset(term.code for term in related["programmes"]),
            funder_levels=frozenset(level for _, level in scheme_funders),
            amount_floor=row["amount_floor"],
            amount_ceiling=row["amount_ceiling"],
            rate_min=row["rate_min"],
            rate_max=row["rate_max"],
            words=words_of(row["title"], row["summary"], *(name for name, _ in scheme_funders), *term_labels),
            parent_id=row["parent_id"],
            published_on=timezone.localtime(published_at).date() if published_at else None,
        )
        facts.append(scheme_facts)
        cards[pk] = SchemeCard(
            id=pk,
            title=row["title"],
            url=url.format(pk=pk, slug=row["slug"]),
            summary=row["summary"],
            status=row["status"],
            funders=tuple((name, level, FunderLevel(level).label) for name, level in scheme_funders),
            perimeter=perimeter,
            kinds=tuple(term.label for term in related["kinds"]),
            programmes=tuple(term.label for term in related["programmes"]),
            amount=amount_label(scheme_facts),
            needs_check=row["needs_check"],
            checked_on=row["checked_on"],
            source_url=row["source_url"],
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
