"""Every write to the roadmap goes through one of these functions: in a transaction, recording who acted."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from roadmap.models import (
    ActionSheet,
    Comment,
    Indicator,
    Measurement,
    Proposal,
    ProposalStatus,
    SheetStatus,
    SheetVersion,
    StatusChange,
)


class RoadmapError(Exception):
    """A write refused, with the reason in French."""


# Which statuses each transition starts from. Done and abandoned sheets can be reopened to "in progress".
_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SheetStatus.DRAFTING: (SheetStatus.IDEA,),
    SheetStatus.VALIDATED: (SheetStatus.DRAFTING,),
    SheetStatus.IN_PROGRESS: (SheetStatus.VALIDATED, SheetStatus.DONE, SheetStatus.ABANDONED),
    SheetStatus.DONE: (SheetStatus.IN_PROGRESS,),
    SheetStatus.ABANDONED: (SheetStatus.IDEA, SheetStatus.DRAFTING, SheetStatus.VALIDATED, SheetStatus.IN_PROGRESS),
}


def allowed_transitions(sheet: ActionSheet) -> list[str]:
    return [status for status, origins in _TRANSITIONS.items() if sheet.status in origins]


def _transition(sheet: ActionSheet, *, to: str, by: User, note: str = "") -> ActionSheet:
    with transaction.atomic():
        sheet = ActionSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.status not in _TRANSITIONS[to]:
            raise RoadmapError(
                f"Une fiche « {sheet.get_status_display().lower()} » ne peut pas passer à "
                f"« {SheetStatus(to).label.lower()} »."
            )
        StatusChange.objects.create(sheet=sheet, from_status=sheet.status, to_status=to, by=by, note=note)
        sheet.status = to
        sheet.save(update_fields=["status", "updated_at"])
    return sheet


def start_drafting(sheet: ActionSheet, *, by: User) -> ActionSheet:
    return _transition(sheet, to=SheetStatus.DRAFTING, by=by)


def validate_by_steering(sheet: ActionSheet, *, by: User, note: str = "") -> ActionSheet:
    return _transition(sheet, to=SheetStatus.VALIDATED, by=by, note=note)


def start(sheet: ActionSheet, *, by: User) -> ActionSheet:
    return _transition(sheet, to=SheetStatus.IN_PROGRESS, by=by)


def complete(sheet: ActionSheet, *, by: User, note: str = "") -> ActionSheet:
    return _transition(sheet, to=SheetStatus.DONE, by=by, note=note)


def abandon(sheet: ActionSheet, *, by: User, note: str) -> ActionSheet:
    if not note.strip():
        raise RoadmapError("Dites pourquoi la fiche est abandonnée.")
    return _transition(sheet, to=SheetStatus.ABANDONED, by=by, note=note)


TRANSITION_FUNCTIONS = {
    SheetStatus.DRAFTING: start_drafting,
    SheetStatus.VALIDATED: validate_by_steering,
    SheetStatus.IN_PROGRESS: start,
    SheetStatus.DONE: complete,
    SheetStatus.ABANDONED: abandon,
}


def snapshot(sheet: ActionSheet) -> dict[str, str]:
    return {field: getattr(sheet, field) for field in ActionSheet.EDITABLE_FIELDS}


def record_first_version(sheet: ActionSheet, *, by: User | None, note: str = "Première version") -> None:
    SheetVersion.objects.get_or_create(
        sheet=sheet, number=sheet.version, defaults={"data": snapshot(sheet), "by": by, "note": note}
    )


def edit_sheet(sheet: ActionSheet, *, by: User, changes: dict[str, str], note: str = "") -> ActionSheet:
    """A coordinator's direct edit: a new version when anything changed."""
    unknown = set(changes) - set(ActionSheet.EDITABLE_FIELDS)
    if unknown:
        raise RoadmapError("Ces champs ne se modifient pas ainsi : " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        sheet = ActionSheet.objects.select_for_update().get(pk=sheet.pk)
        record_first_version(sheet, by=None)
        changed = {field: value for field, value in changes.items() if getattr(sheet, field) != value}
        if not changed:
            return sheet
        for field, value in changed.items():
            setattr(sheet, field, value)
        sheet.version += 1
        sheet.save()
        SheetVersion.objects.create(sheet=sheet, number=sheet.version, data=snapshot(sheet), by=by, note=note)
    return sheet


def propose(sheet: ActionSheet, *, author: User, changes: dict[str, str], explanation: str = "") -> Proposal:
    changed = {
        field: value
        for field, value in changes.items()
        if field in ActionSheet.EDITABLE_FIELDS and getattr(sheet, field) != value
    }
    if not changed:
        raise RoadmapError("Votre proposition ne change rien à la fiche.")
    return Proposal.objects.create(
        sheet=sheet, author=author, base_version=sheet.version, changes=changed, explanation=explanation
    )


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    before: str
    after: str


def proposal_diff(proposal: Proposal) -> list[FieldDiff]:
    """What the proposal changes, against the version it was written on."""
    base = proposal.sheet.versions.filter(number=proposal.base_version).first()
    before = base.data if base else snapshot(proposal.sheet)
    return [
        FieldDiff(field, str(ActionSheet._meta.get_field(field).verbose_name), before.get(field, ""), value)
        for field, value in proposal.changes.items()
    ]


def accept_proposal(proposal: Proposal, *, by: User, note: str = "") -> ActionSheet:
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("sheet").get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise RoadmapError("Cette proposition a déjà été traitée.")
        sheet = proposal.sheet
        conflicts = [
            field
            for field in proposal.changes
            if sheet.version != proposal.base_version
            and getattr(sheet, field) != _version_value(sheet, proposal.base_version, field)
        ]
        if conflicts:
            raise RoadmapError(
                "La fiche a changé depuis cette proposition sur : "
                + ", ".join(str(ActionSheet._meta.get_field(f).verbose_name) for f in conflicts)
                + ". Refusez-la avec une note, ou demandez une nouvelle proposition."
            )
        sheet = edit_sheet(
            sheet,
            by=by,
            changes=proposal.changes,
            note=f"Proposition de {proposal.author} acceptée" + (f" : {note}" if note else ""),
        )
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.decision_note = note
        proposal.save()
    return sheet


def _version_value(sheet: ActionSheet, number: int, field: str) -> str:
    version = sheet.versions.filter(number=number).first()
    return version.data.get(field, "") if version else getattr(sheet, field)


def reject_proposal(proposal: Proposal, *, by: User, note: str) -> Proposal:
    if not note.strip():
        raise RoadmapError("Expliquez en une phrase pourquoi la proposition est refusée.")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise RoadmapError("Cette proposition a déjà été traitée.")
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.decision_note = note
        proposal.save()
    return proposal


def comment(sheet: ActionSheet, *, author: User, text: str) -> Comment:
    text = text.strip()
    if not text:
        raise RoadmapError("Le commentaire est vide.")
    return Comment.objects.create(sheet=sheet, author=author, text=text)


def record_measurement(
    indicator: Indicator, *, value: Decimal, on: date, source: str, by: User | None, is_snapshot: bool = False
) -> Measurement:
    if is_snapshot:
        measurement, _ = Measurement.objects.update_or_create(
            indicator=indicator,
            date=on,
            is_snapshot=True,
            defaults={"value": value, "source": source, "recorded_by": by},
        )
        return measurement
    return Measurement.objects.create(indicator=indicator, value=value, date=on, source=source, recorded_by=by)


def record_committee(
    *,
    roadmap,
    kind: str,
    title: str,
    on: date,
    location: str = "",
    by_video: bool = False,  # noqa: ANN001
    attendance: list[dict] | None = None,
    minutes: str = "",
):  # noqa: ANN201
    """Create or update a committee (one per roadmap, title and date); minutes are sanitised on the way in."""
    from roadmap.models import Committee
    from roadmap.sanitize import sanitize

    committee, _ = Committee.objects.update_or_create(
        roadmap=roadmap,
        title=title,
        date=on,
        defaults={
            "kind": kind,
            "location": location,
            "by_video": by_video,
            "attendance": attendance or [],
            "minutes": sanitize(minutes),
        },
    )
    return committee
