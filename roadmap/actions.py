"""Every write to the roadmap goes through one of these functions: in a transaction, recording who acted."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from funding.models import Scheme
from library.models import Event, EventStatus, Resource, ResourceStatus
from roadmap.models import (
    MONEY,
    ActionSheet,
    BudgetLine,
    Comment,
    FundingLine,
    FundingStatus,
    Indicator,
    Measurement,
    Proposal,
    ProposalStatus,
    SheetPartner,
    SheetStatus,
    SheetVersion,
    StatusChange,
    Step,
    StepStatus,
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


# What a version keeps of the sheet's steps, budget, funding, partners and links, one readable line per row,
# so that two versions compare line by line like the text fields. Versions written before these were kept lack
# the keys: a comparison then says nothing of them rather than showing every row as added.
CONTENT_SECTIONS = {
    "partners": "Partenaires",
    "steps": "Étapes",
    "budget": "Budget",
    "funding": "Financements",
    "resources": "Ressources produites",
    "events": "Événements organisés",
}


def money_text(amount: Decimal) -> str:
    """An amount as French people write it, exact to the cent: "4 999,99 €"."""
    whole, _, cents = f"{amount:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", "\u202f") + f",{cents}\u00a0€"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "?"


def content_lines(sheet: ActionSheet) -> dict[str, list[str]]:
    partners = [
        f"{p.organisation.name}{f' ({p.role})' if p.role else ''}"
        for p in SheetPartner.objects.filter(sheet=sheet).select_related("organisation")
    ]
    steps = [
        f"{s.title} — du {_day(s.start)} au {_day(s.end)} — porteur : {s.owner.name if s.owner else 'à désigner'}"
        f" — {s.get_status_display().lower()}"
        for s in Step.objects.filter(sheet=sheet).select_related("owner")
    ]
    budget = [f"{b.year} — {b.expense} : {money_text(b.amount)}" for b in BudgetLine.objects.filter(sheet=sheet)]
    funding = [
        f"{f.funder}{f' — {f.scheme_title}' if f.scheme_title else ''} — demandé {money_text(f.amount_requested)}"
        f" — obtenu {money_text(f.amount_obtained)} — {f.get_status_display().lower()}"
        for f in FundingLine.objects.filter(sheet=sheet)
    ]
    resources = [r.title for r in sheet.resources.order_by("title", "pk")]
    events = [f"{e.title} ({timezone.localtime(e.starts_at):%d/%m/%Y})" for e in sheet.events.order_by("starts_at")]
    return {
        "partners": partners,
        "steps": steps,
        "budget": budget,
        "funding": funding,
        "resources": resources,
        "events": events,
    }


def snapshot(sheet: ActionSheet) -> dict:
    return {**{field: getattr(sheet, field) for field in ActionSheet.EDITABLE_FIELDS}, **content_lines(sheet)}


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
        if not sheet.title.strip():
            raise RoadmapError("Une fiche garde un intitulé.")
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


# Steps, budget, funding, partners and links: coordinators write them from the sheet's pages. Each write that
# changes something makes a numbered version, with who and when, like an edit of the text fields.

T = TypeVar("T")
MAX_AMOUNT = Decimal(10 ** (MONEY["max_digits"] - MONEY["decimal_places"])) - Decimal("0.01")


def _content_write(sheet: ActionSheet, *, by: User, note: str, apply: Callable[[ActionSheet], T]) -> T:
    with transaction.atomic():
        sheet = ActionSheet.objects.select_for_update().get(pk=sheet.pk)
        record_first_version(sheet, by=None)
        before = content_lines(sheet)
        result = apply(sheet)
        after = content_lines(sheet)
        if after != before:
            sheet.version += 1
            sheet.save(update_fields=["version", "updated_at"])
            SheetVersion.objects.create(sheet=sheet, number=sheet.version, data=snapshot(sheet), by=by, note=note)
    return result


def _text(value: str, *, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RoadmapError(f"Indiquez {label}.")
    if len(value) > max_length:
        raise RoadmapError(f"{label[0].upper() + label[1:]} : {max_length} caractères au plus.")
    return value


def _amount(value: Decimal | str | int | None, *, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else "0"))
    except InvalidOperation:
        raise RoadmapError(f"{label} : écrivez un nombre, par exemple 1500 ou 1 500,50.") from None
    if not amount.is_finite() or amount < 0:
        raise RoadmapError(f"{label} : un montant positif ou nul.")
    if amount > MAX_AMOUNT:
        raise RoadmapError(f"{label} : montant trop grand.")
    if amount != amount.quantize(Decimal("0.01")):
        raise RoadmapError(f"{label} : deux chiffres après la virgule au plus.")
    return amount.quantize(Decimal("0.01"))


def _check_step(title: str, start: date | None, end: date | None, status: str) -> str:
    title = _text(title, label="le nom de l'étape", max_length=300)
    if start and end and end < start:
        raise RoadmapError("La fin de l'étape vient avant son début.")
    if status not in StepStatus.values:
        raise RoadmapError("Choisissez l'état de l'étape dans la liste.")
    return title


def add_step(
    sheet: ActionSheet,
    *,
    by: User,
    title: str,
    start: date | None = None,
    end: date | None = None,
    owner: Organisation | None = None,
    status: str = StepStatus.PLANNED,
) -> Step:
    title = _check_step(title, start, end, status)

    def apply(locked: ActionSheet) -> Step:
        last = locked.steps.order_by("-position").values_list("position", flat=True).first() or 0
        return Step.objects.create(
            sheet=locked, title=title, start=start, end=end, owner=owner, status=status, position=last + 1
        )

    return _content_write(sheet, by=by, note=f"Étape ajoutée : {title}", apply=apply)


def edit_step(
    step: Step,
    *,
    by: User,
    title: str,
    start: date | None = None,
    end: date | None = None,
    owner: Organisation | None = None,
    status: str = StepStatus.PLANNED,
) -> Step:
    title = _check_step(title, start, end, status)

    def apply(locked: ActionSheet) -> Step:
        row = Step.objects.select_for_update().get(pk=step.pk, sheet=locked)
        row.title, row.start, row.end, row.owner, row.status = title, start, end, owner, status
        row.save()
        return row

    return _content_write(step.sheet, by=by, note=f"Étape modifiée : {title}", apply=apply)


def remove_step(step: Step, *, by: User) -> None:
    _content_write(
        step.sheet,
        by=by,
        note=f"Étape retirée : {step.title}",
        apply=lambda locked: Step.objects.filter(pk=step.pk, sheet=locked).delete(),
    )


def _check_budget(year: int, expense: str, amount: Decimal) -> tuple[int, str, Decimal]:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise RoadmapError("Indiquez l'année sur quatre chiffres, entre 2000 et 2100.")
    return year, _text(expense, label="le poste de dépense", max_length=200), _amount(amount, label="Montant")


def add_budget_line(sheet: ActionSheet, *, by: User, year: int, expense: str, amount: Decimal) -> BudgetLine:
    year, expense, amount = _check_budget(year, expense, amount)
    return _content_write(
        sheet,
        by=by,
        note=f"Budget ajouté : {year}, {expense}",
        apply=lambda locked: BudgetLine.objects.create(sheet=locked, year=year, expense=expense, amount=amount),
    )


def edit_budget_line(line: BudgetLine, *, by: User, year: int, expense: str, amount: Decimal) -> BudgetLine:
    year, expense, amount = _check_budget(year, expense, amount)

    def apply(locked: ActionSheet) -> BudgetLine:
        row = BudgetLine.objects.select_for_update().get(pk=line.pk, sheet=locked)
        row.year, row.expense, row.amount = year, expense, amount
        row.save()
        return row

    return _content_write(line.sheet, by=by, note=f"Budget modifié : {year}, {expense}", apply=apply)


def remove_budget_line(line: BudgetLine, *, by: User) -> None:
    _content_write(
        line.sheet,
        by=by,
        note=f"Budget retiré : {line.year}, {line.expense}",
        apply=lambda locked: BudgetLine.objects.filter(pk=line.pk, sheet=locked).delete(),
    )


def scheme_funders(scheme: Scheme) -> str:
    return ", ".join(funder.name for funder in scheme.funders.all())


@dataclass(frozen=True)
class _Funding:
    scheme: Scheme | None
    funder: str
    scheme_title: str
    amount_requested: Decimal
    amount_obtained: Decimal
    status: str


def _check_funding(
    *,
    scheme: Scheme | None,
    funder: str,
    scheme_title: str,
    amount_requested: Decimal,
    amount_obtained: Decimal | None,
    status: str,
    kept: bool = False,
) -> _Funding:
    """``kept``: the line already holds this scheme, which may have left the catalogue since."""
    if scheme is not None and not kept and not scheme.is_public:
        raise RoadmapError("Ce dispositif n'est pas publié dans le catalogue des financements.")
    if scheme is not None:
        funder = (funder or "").strip() or scheme_funders(scheme)
        scheme_title = (scheme_title or "").strip() or scheme.title
    funder = _text(funder, label="le financeur", max_length=200)
    scheme_title = _text(scheme_title, label="le dispositif", max_length=300, required=False)
    requested = _amount(amount_requested, label="Montant demandé")
    obtained = _amount(amount_obtained, label="Montant obtenu")
    if status not in FundingStatus.values:
        raise RoadmapError("Choisissez l'état du financement dans la liste.")
    if status == FundingStatus.OBTAINED and obtained <= 0:
        raise RoadmapError("Un financement obtenu a un montant obtenu : indiquez-le.")
    if status != FundingStatus.OBTAINED and obtained != 0:
        raise RoadmapError("Le montant obtenu ne s'indique que pour un financement obtenu.")
    return _Funding(scheme, funder, scheme_title, requested, obtained, status)


def add_funding_line(
    sheet: ActionSheet,
    *,
    by: User,
    amount_requested: Decimal,
    funder: str = "",
    scheme: Scheme | None = None,
    scheme_title: str = "",
    amount_obtained: Decimal | None = None,
    status: str = FundingStatus.REQUESTED,
) -> FundingLine:
    """A funding line, linked to a scheme of the catalogue when given one (its funders and title filled from it)."""
    checked = _check_funding(
        scheme=scheme,
        funder=funder,
        scheme_title=scheme_title,
        amount_requested=amount_requested,
        amount_obtained=amount_obtained,
        status=status,
    )

    def apply(locked: ActionSheet) -> FundingLine:
        if scheme is not None and locked.funding_lines.filter(scheme=scheme).exists():
            raise RoadmapError("Ce dispositif a déjà sa ligne de financement sur la fiche : modifiez-la.")
        return FundingLine.objects.create(sheet=locked, **vars(checked))

    return _content_write(
        sheet, by=by, note=f"Financement ajouté : {checked.scheme_title or checked.funder}", apply=apply
    )


def add_funding_from_scheme(sheet: ActionSheet, *, by: User, scheme: Scheme, amount_requested: Decimal) -> FundingLine:
    """One step from a suggested scheme: a line "requested" of that scheme for the amount given."""
    return add_funding_line(sheet, by=by, scheme=scheme, amount_requested=amount_requested)


def edit_funding_line(
    line: FundingLine,
    *,
    by: User,
    amount_requested: Decimal,
    funder: str = "",
    scheme: Scheme | None = None,
    scheme_title: str = "",
    amount_obtained: Decimal | None = None,
    status: str = FundingStatus.REQUESTED,
) -> FundingLine:
    same_scheme = scheme is not None and scheme.pk == line.scheme_id
    if scheme is not None and not same_scheme:
        # Another scheme: what still names the former one's funder and title is taken from the new one.
        funder = "" if (funder or "").strip() == line.funder else funder
        scheme_title = "" if (scheme_title or "").strip() == line.scheme_title else scheme_title
    checked = _check_funding(
        scheme=scheme,
        funder=funder,
        scheme_title=scheme_title,
        amount_requested=amount_requested,
        amount_obtained=amount_obtained,
        status=status,
        kept=same_scheme,
    )

    def apply(locked: ActionSheet) -> FundingLine:
        row = FundingLine.objects.select_for_update().get(pk=line.pk, sheet=locked)
        if scheme is not None and locked.funding_lines.filter(scheme=scheme).exclude(pk=row.pk).exists():
            raise RoadmapError("Ce dispositif a déjà sa ligne de financement sur la fiche.")
        for field, value in vars(checked).items():
            setattr(row, field, value)
        row.save()
        return row

    return _content_write(
        line.sheet, by=by, note=f"Financement modifié : {checked.scheme_title or checked.funder}", apply=apply
    )


def remove_funding_line(line: FundingLine, *, by: User) -> None:
    _content_write(
        line.sheet,
        by=by,
        note=f"Financement retiré : {line.scheme_title or line.funder}",
        apply=lambda locked: FundingLine.objects.filter(pk=line.pk, sheet=locked).delete(),
    )


def add_partner(sheet: ActionSheet, *, by: User, organisation: Organisation, role: str = "") -> SheetPartner:
    role = _text(role, label="le rôle", max_length=200, required=False)

    def apply(locked: ActionSheet) -> SheetPartner:
        if locked.partners.filter(organisation=organisation).exists():
            raise RoadmapError(f"{organisation.name} est déjà partenaire de la fiche : modifiez son rôle.")
        return SheetPartner.objects.create(sheet=locked, organisation=organisation, role=role)

    return _content_write(sheet, by=by, note=f"Partenaire ajouté : {organisation.name}", apply=apply)


def edit_partner(partner: SheetPartner, *, by: User, organisation: Organisation, role: str = "") -> SheetPartner:
    role = _text(role, label="le rôle", max_length=200, required=False)

    def apply(locked: ActionSheet) -> SheetPartner:
        row = SheetPartner.objects.select_for_update().get(pk=partner.pk, sheet=locked)
        if locked.partners.filter(organisation=organisation).exclude(pk=row.pk).exists():
            raise RoadmapError(f"{organisation.name} est déjà partenaire de la fiche.")
        row.organisation, row.role = organisation, role
        row.save()
        return row

    return _content_write(partner.sheet, by=by, note=f"Partenaire modifié : {organisation.name}", apply=apply)


def remove_partner(partner: SheetPartner, *, by: User) -> None:
    _content_write(
        partner.sheet,
        by=by,
        note=f"Partenaire retiré : {partner.organisation.name}",
        apply=lambda locked: SheetPartner.objects.filter(pk=partner.pk, sheet=locked).delete(),
    )


def link_resource(sheet: ActionSheet, *, by: User, resource: Resource) -> None:
    """Say that the sheet produced a resource of the library; only a published one, since anyone may read it."""
    if resource.status != ResourceStatus.PUBLISHED:
        raise RoadmapError("Seule une ressource publiée de la bibliothèque se lie à une fiche.")
    _content_write(
        sheet, by=by, note=f"Ressource liée : {resource.title}", apply=lambda locked: locked.resources.add(resource)
    )


def unlink_resource(sheet: ActionSheet, *, by: User, resource: Resource) -> None:
    _content_write(
        sheet,
        by=by,
        note=f"Ressource déliée : {resource.title}",
        apply=lambda locked: locked.resources.remove(resource),
    )


def link_event(sheet: ActionSheet, *, by: User, event: Event) -> None:
    if event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise RoadmapError("Seul un événement publié de l'agenda se lie à une fiche.")
    _content_write(sheet, by=by, note=f"Événement lié : {event.title}", apply=lambda locked: locked.events.add(event))


def unlink_event(sheet: ActionSheet, *, by: User, event: Event) -> None:
    _content_write(
        sheet, by=by, note=f"Événement délié : {event.title}", apply=lambda locked: locked.events.remove(event)
    )
