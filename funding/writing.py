"""Every write of a scheme goes through here: checked, in a transaction, recorded in the history with who acted.

``check_record`` says, in French, everything wrong with a record before anything is written; ``save_record``
creates or updates one scheme from it; ``publish_scheme``, ``close_scheme`` and ``unpublish_scheme`` move a scheme
between draft, published and closed.
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from funding.exchange.records import FunderData, SchemeRecord, as_json, diff
from funding.models import (
    ChangeKind,
    Funder,
    FunderLevel,
    FundingVocabulary,
    Scheme,
    SchemeArea,
    SchemeChange,
    SchemeStatus,
)
from funding.places import known_area
from funding.vocabularies import SCHEME_FIELDS, Terms
from funding_match import perimeter
from funding_match.calendar import CalendarError, Schedule
from funding_match.perimeter import Area, PerimeterError

VOCABULARY_OF = {name: vocabulary for vocabulary, name in SCHEME_FIELDS.items()}


class WriteError(Exception):
    """A write refused; ``problems`` says why, in French, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ; ".join(problems))
        self.problems = problems


def parse_area(text: str) -> Area:
    kind, _, code = text.strip().partition(":")
    try:
        return Area(kind.strip(), code.strip().upper() if kind.strip() == perimeter.COMMUNE else code.strip())
    except PerimeterError as error:
        raise PerimeterError(f"zone « {text} » : {error}") from None


@dataclass
class Checked:
    """A record found sound, with what it resolves to."""

    record: SchemeRecord
    terms: dict[str, list[int]] = field(default_factory=dict)
    areas: list[Area] = field(default_factory=list)
    parent_id: int | None = None


def check_record(record: SchemeRecord, terms: Terms, *, scheme: Scheme | None = None) -> tuple[Checked, list[str]]:
    """Resolve a record's codes and check its rules; the problems come back in French, none means it can be written."""
    problems: list[str] = []
    checked = Checked(record=record)
    if not record.title.strip():
        problems.append("l'intitulé est obligatoire")
    if record.status not in SchemeStatus.values:
        problems.append(f"état inconnu « {record.status} » (draft, published ou closed)")
    for name in SCHEME_FIELDS.values():
        vocabulary = VOCABULARY_OF[name]
        ids = []
        for code in getattr(record, name):
            term = terms.resolve(vocabulary, code)
            if term is None:
                problems.append(
                    f"{name} : code inconnu « {code} » dans le vocabulaire « {FundingVocabulary(vocabulary).label} »"
                )
            else:
                ids.append(term.pk)
        checked.terms[name] = list(dict.fromkeys(ids))
    for funder in record.funders:
        if not funder.name.strip():
            problems.append("un financeur sans nom")
        if funder.level not in FunderLevel.values:
            problems.append(f"financeur « {funder.name} » : niveau inconnu « {funder.level} »")
    for text in record.perimeter:
        try:
            area = parse_area(text)
        except PerimeterError as error:
            problems.append(f"périmètre : {error}")
            continue
        if not known_area(area):
            problems.append(f"périmètre : code inconnu « {text} »")
        else:
            checked.areas.append(area)
    try:
        Schedule(
            recurrence=record.recurrence,
            opens_on=record.opens_on,
            closes_on=record.closes_on,
            window_start=record.window_start,
            window_end=record.window_end,
        )
    except CalendarError as error:
        problems.append(f"calendrier : {error}")
    for low, high, noun in (
        (record.amount_floor, record.amount_ceiling, "montant"),
        (record.rate_min, record.rate_max, "taux"),
    ):
        if low is not None and high is not None and low > high:
            problems.append(f"le {noun} minimum dépasse le {noun} maximum")
        for value in (low, high):
            if value is not None and value < 0:
                problems.append(f"un {noun} ne peut pas être négatif")
    for rate in (record.rate_min, record.rate_max):
        if rate is not None and rate > 100:
            problems.append("un taux ne peut pas dépasser 100 %")
    if record.parent:
        source, _, source_id = record.parent.partition(":")
        parent = Scheme.objects.filter(source=source, source_id=source_id).only("pk").first()
        if parent is None:
            problems.append(f"dispositif national inconnu « {record.parent} »")
        elif scheme is not None and parent.pk == scheme.pk:
            problems.append("un dispositif ne peut pas être sa propre déclinaison")
        else:
            checked.parent_id = parent.pk
    if record.status != SchemeStatus.DRAFT:
        problems += publication_problems(record, checked)
    return checked, problems


def publication_problems(record: SchemeRecord, checked: Checked) -> list[str]:
    """What a published scheme must have: a summary, a perimeter, a funder, a way to apply or a source."""
    missing = []
    if not record.summary.strip():
        missing.append("un dispositif publié a besoin d'un résumé")
    if not checked.areas:
        missing.append("un dispositif publié a besoin d'un périmètre")
    if not record.funders:
        missing.append("un dispositif publié a besoin d'au moins un financeur")
    if not (record.source_url or record.application_url or record.how_to_apply.strip()):
        missing.append("un dispositif publié dit où candidater ou d'où vient l'information (source, dépôt, démarche)")
    return missing


def record_of(scheme: Scheme) -> SchemeRecord:
    """The scheme as a record, in the exchange shape."""
    from funding_match.calendar import MonthDay

    def codes(name: str) -> tuple[str, ...]:
        return tuple(sorted(term.code for term in getattr(scheme, name).all()))

    start = end = None
    if scheme.window_start_month and scheme.window_start_day:
        start = MonthDay(scheme.window_start_month, scheme.window_start_day)
    if scheme.window_end_month and scheme.window_end_day:
        end = MonthDay(scheme.window_end_month, scheme.window_end_day)
    areas = sorted(Area(area.kind, area.code) for area in scheme.areas.all())
    parent = scheme.parent
    return SchemeRecord(
        source=scheme.source,
        source_id=scheme.source_id,
        title=scheme.title,
        summary=scheme.summary,
        description=scheme.description,
        eligibility=scheme.eligibility,
        status=scheme.status,
        funders=tuple(
            FunderData(name=funder.name, level=funder.level)
            for funder in sorted(scheme.funders.all(), key=lambda funder: funder.name)
        ),
        programmes=codes("programmes"),
        kinds=codes("kinds"),
        beneficiaries=codes("beneficiaries"),
        themes=codes("themes"),
        expenses=codes("expenses"),
        perimeter=tuple(f"{area.kind}:{area.code}" if area.code else area.kind for area in areas),
        amount_floor=scheme.amount_floor,
        amount_ceiling=scheme.amount_ceiling,
        rate_min=scheme.rate_min,
        rate_max=scheme.rate_max,
        amount_note=scheme.amount_note,
        recurrence=scheme.recurrence,
        opens_on=scheme.opens_on,
        closes_on=scheme.closes_on,
        window_start=start,
        window_end=end,
        how_to_apply=scheme.how_to_apply,
        application_url=scheme.application_url,
        contact=scheme.contact,
        source_url=scheme.source_url,
        checked_on=scheme.checked_on,
        checked_by=scheme.checked_by,
        needs_check=scheme.needs_check,
        parent=f"{parent.source}:{parent.source_id}" if parent else "",
    )


def snapshot(scheme: Scheme) -> dict[str, Any]:
    fresh = Scheme.objects.prefetch_related(
        "funders", "areas", "programmes", "kinds", "beneficiaries", "themes", "expenses"
    ).select_related("parent")
    return as_json(record_of(fresh.get(pk=scheme.pk)))


def _apply(scheme: Scheme, checked: Checked, *, keep: Iterable[str] = ()) -> None:
    record = checked.record
    kept = set(keep)
    for name in (
        "title",
        "summary",
        "description",
        "eligibility",
        "amount_floor",
        "amount_ceiling",
        "rate_min",
        "rate_max",
        "amount_note",
        "recurrence",
        "opens_on",
        "closes_on",
        "how_to_apply",
        "application_url",
        "contact",
        "source_url",
        "checked_on",
        "checked_by",
        "needs_check",
    ):
        if name not in kept:
            setattr(scheme, name, getattr(record, name))
    if "window_start" not in kept:
        scheme.window_start_month = record.window_start.month if record.window_start else None
        scheme.window_start_day = record.window_start.day if record.window_start else None
    if "window_end" not in kept:
        scheme.window_end_month = record.window_end.month if record.window_end else None
        scheme.window_end_day = record.window_end.day if record.window_end else None
    if "parent" not in kept:
        scheme.parent_id = checked.parent_id


def _apply_relations(scheme: Scheme, checked: Checked, *, keep: Iterable[str] = ()) -> None:
    kept = set(keep)
    for name, ids in checked.terms.items():
        if name not in kept:
            getattr(scheme, name).set(ids)
    if "funders" not in kept:
        funders = []
        for funder in checked.record.funders:
            found, created = Funder.objects.get_or_create(name=funder.name.strip(), defaults={"level": funder.level})
            if not created and found.level != funder.level:
                found.level = funder.level
                found.save(update_fields=["level", "updated_at"])
            funders.append(found)
        scheme.funders.set(funders)
    if "perimeter" not in kept:
        wanted = {(area.kind, area.code) for area in checked.areas}
        current = {(area.kind, area.code): area.pk for area in scheme.areas.all()}
        SchemeArea.objects.filter(pk__in=[pk for key, pk in current.items() if key not in wanted]).delete()
        SchemeArea.objects.bulk_create(
            [SchemeArea(scheme=scheme, kind=kind, code=code) for kind, code in sorted(wanted - set(current))]
        )


def save_record(
    *,
    record: SchemeRecord,
    actor: User | None,
    terms: Terms | None = None,
    actor_label: str = "",
    kind: str = ChangeKind.EDIT,
    keep: Iterable[str] = (),
    organisation_id: int | None = None,
    note: str = "",
) -> tuple[Scheme, SchemeChange | None]:
    """Create the scheme (source, source_id) or update it from the record; raise WriteError when it is not sound.

    ``keep`` names record fields to leave as they are (an importer that does not carry them). Status moves go
    through ``publish_scheme`` and friends: here the status is taken only on creation (and from imports).
    """
    terms = terms or Terms.load()
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().filter(source=record.source, source_id=record.source_id).first()
        checked, problems = check_record(record, terms, scheme=scheme)
        if problems:
            raise WriteError(problems)
        before = snapshot(scheme) if scheme is not None else None
        created = scheme is None
        # What an importer does not carry is kept on an update; on a creation, everything comes from the record.
        keep = () if created else tuple(keep)
        if scheme is None:
            scheme = Scheme(source=record.source, source_id=record.source_id, created_by=actor)
            scheme.organisation_id = organisation_id
            kind = ChangeKind.CREATE if kind == ChangeKind.EDIT else kind
        _apply(scheme, checked, keep=keep)
        if created or (kind == ChangeKind.IMPORT and "status" not in keep):
            _set_status(scheme, record.status)
        scheme.save()
        _apply_relations(scheme, checked, keep=keep)
        change = _record(scheme, actor, actor_label, kind, before, snapshot(scheme), note)
        return scheme, change


def _set_status(scheme: Scheme, status: str) -> None:
    now = timezone.now()
    if status == SchemeStatus.PUBLISHED and scheme.published_at is None:
        scheme.published_at = now
    if status == SchemeStatus.CLOSED and scheme.closed_at is None:
        scheme.closed_at = now
        scheme.published_at = scheme.published_at or now
    scheme.status = status


def _record(
    scheme: Scheme,
    actor: User | None,
    actor_label: str,
    kind: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    note: str = "",
) -> SchemeChange | None:
    """Store what moved; a write that moved nothing leaves no trace."""
    fields = diff(before, after)
    if not fields and kind not in (ChangeKind.PUBLISH, ChangeKind.CLOSE, ChangeKind.REOPEN):
        return None
    label = actor_label or (str(actor) if actor else "")
    return SchemeChange.objects.create(
        scheme=scheme, actor=actor, actor_label=label[:200], kind=kind, fields=fields, note=note[:300]
    )


def _move(scheme: Scheme, actor: User, status: str, kind: str, note: str = "") -> SchemeChange:
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        before = snapshot(locked)
        if status == SchemeStatus.PUBLISHED:
            record = record_of(Scheme.objects.prefetch_related("funders", "areas").get(pk=locked.pk))
            checked = Checked(record=record, areas=[parse_area(text) for text in record.perimeter])
            problems = publication_problems(record, checked)
            if problems:
                raise WriteError(problems)
        if status == SchemeStatus.DRAFT:
            locked.status = SchemeStatus.DRAFT
            locked.closed_at = None
        else:
            if status == SchemeStatus.PUBLISHED:
                locked.closed_at = None
            _set_status(locked, status)
        locked.save()
        change = _record(locked, actor, "", kind, before, snapshot(locked), note)
        assert change is not None
        scheme.refresh_from_db()
        return change


def publish_scheme(*, scheme: Scheme, actor: User) -> SchemeChange:
    if scheme.status == SchemeStatus.PUBLISHED:
        raise WriteError(["ce dispositif est déjà publié"])
    return _move(scheme, actor, SchemeStatus.PUBLISHED, ChangeKind.PUBLISH)


def close_scheme(*, scheme: Scheme, actor: User, note: str = "") -> SchemeChange:
    """Closed for good: the scheme stays readable, marked closed, and leaves searches and alerts."""
    if scheme.status != SchemeStatus.PUBLISHED:
        raise WriteError(["seul un dispositif publié peut être clôturé"])
    return _move(scheme, actor, SchemeStatus.CLOSED, ChangeKind.CLOSE, note)


def unpublish_scheme(*, scheme: Scheme, actor: User) -> SchemeChange:
    if scheme.status == SchemeStatus.DRAFT:
        raise WriteError(["ce dispositif est déjà un brouillon"])
    return _move(scheme, actor, SchemeStatus.DRAFT, ChangeKind.REOPEN)


def with_status(record: SchemeRecord, status: str) -> SchemeRecord:
    return dataclasses.replace(record, status=status)
