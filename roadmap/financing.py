"""Which schemes of the funding catalogue could fund an action sheet: "Financements possibles".

The sheet is described to the funding matcher as a project: where (the roadmap's département), who would apply
(its pilot's kind), what for (its axis and the needs it answers) and which expenses (its budget lines' words), with
the amount still to find. Schemes already on the sheet's funding lines are left out.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from accounts.models import OrganisationKind
from aiguillage.lib.text import normalize_name
from funding.matching import NEED_THEMES, Proposal, applicant_label, schemes_for_project
from funding.places import region_of_departement
from funding_match import Project
from funding_match.perimeter import DEPARTEMENT, EUROPE, NATION, REGION, Area, Location
from roadmap.models import ActionSheet, AxisKind, FundingStatus
from territory.models import Departement

AXIS_THEMES = {
    AxisKind.INCLUSION: {"digital_inclusion"},
    AxisKind.MEDIATION: {"digital_mediation"},
    AxisKind.INNOVATION: {"innovation"},
    AxisKind.COMMUNICATION: {"digital_inclusion", "digital_mediation"},
}
PILOT_BENEFICIARIES = {
    OrganisationKind.LOCAL_AUTHORITY: "public_body",
    OrganisationKind.ASSOCIATION: "association",
    OrganisationKind.COMPANY: "professional",
    OrganisationKind.CHAMBER: "public_body",
    OrganisationKind.STATE_SERVICE: "public_body",
    OrganisationKind.PUBLIC_INSTITUTION: "public_body",
}
# Words of a budget line's expense, folded, and the catalogue's expense code they name.
EXPENSE_WORDS = {
    "equipment": ("materiel", "equipement", "scanner", "imprimante", "ordinateur", "tablette", "machine"),
    "training": ("formation", "former"),
    "mediation_staff": ("salaire", "poste", "mediateur", "conseiller", "recrutement"),
    "operating": ("fonctionnement", "communication", "deplacement", "location"),
    "studies": ("etude", "diagnostic", "conseil", "audit"),
    "investment": ("travaux", "amenagement", "investissement", "local"),
}


def location_of_roadmap(territory: str) -> Location | None:
    """The département the roadmap is written for: its name (or code) as the roadmap states it, else the
    territory's only département."""
    text = territory.strip()
    found = Departement.objects.filter(Q(code=text) | Q(name__iexact=text)).first()
    if found is None and len(settings.TERRITORY_DEPARTEMENTS) == 1:
        found = Departement.objects.filter(code=settings.TERRITORY_DEPARTEMENTS[0]).first()
    if found is None:
        return None
    areas = {EUROPE, NATION, Area(DEPARTEMENT, found.code)}
    region = region_of_departement().get(found.code, "")
    if region:
        areas.add(Area(REGION, region))
    return Location(frozenset(areas), found.name)


def expense_codes(expenses: list[str]) -> set[str]:
    found = set()
    for text in expenses:
        words = normalize_name(text).split()
        for code, stems in EXPENSE_WORDS.items():
            if any(word.startswith(stem) for word in words for stem in stems):
                found.add(code)
    return found


def amount_to_find(sheet: ActionSheet) -> Decimal | None:
    """The budget not yet covered by funding requested or obtained; None when no budget is written."""
    budget = sum((line.amount for line in sheet.budget_lines.all()), Decimal("0"))
    if budget <= 0:
        return None
    asked = sum(
        (
            line.amount_obtained if line.status == FundingStatus.OBTAINED else line.amount_requested
            for line in sheet.funding_lines.all()
            if line.status != FundingStatus.REFUSED
        ),
        Decimal("0"),
    )
    rest = budget - asked
    return rest if rest > 0 else None


def sheet_project(sheet: ActionSheet) -> Project:
    pilot = sheet.pilot
    beneficiaries = {PILOT_BENEFICIARIES[pilot.kind]} if pilot and pilot.kind in PILOT_BENEFICIARIES else set()
    themes = set(AXIS_THEMES.get(sheet.axis.kind, set()))
    themes |= {NEED_THEMES[c.code] for c in sheet.need_categories.all() if c.code in NEED_THEMES}
    return Project(
        location=location_of_roadmap(sheet.roadmap.territory),
        beneficiaries=frozenset(beneficiaries),
        applicant_label=applicant_label(beneficiaries, "le pilote de la fiche"),
        themes=frozenset(themes),
        expenses=frozenset(expense_codes([line.expense for line in sheet.budget_lines.all()])),
        amount=amount_to_find(sheet),
    )


@dataclass(frozen=True)
class Suggestion:
    proposal: Proposal
    # What the "add" form offers as the amount requested: the amount to find, within the scheme's ceiling.
    amount: Decimal | None


def suggestions(sheet: ActionSheet, *, limit: int = 5, today: dt.date | None = None) -> list[Suggestion]:
    project = sheet_project(sheet)
    taken = {line.scheme_id for line in sheet.funding_lines.all() if line.scheme_id}
    found = schemes_for_project(project, limit=limit + len(taken), today=today)
    result = []
    for proposal in found:
        if proposal.match.scheme.id in taken:
            continue
        amount = project.amount
        ceiling = proposal.match.scheme.amount_ceiling
        if amount is not None and ceiling is not None:
            amount = min(amount, ceiling)
        result.append(Suggestion(proposal, amount))
    return result[:limit]
