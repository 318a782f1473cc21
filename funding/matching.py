"""From a request, a place or (later) an action sheet to the schemes that fit, ranked, with reasons and what is missing.

The model API other apps use:

- ``schemes_for_request(request)`` and ``schemes_for_place(place)``: ready-made projects;
- ``schemes_for_project(...)``: the clean function for anything else (the roadmap's action sheets): say where, who
  applies, themes, expenses and amount by codes, get ``Match`` objects (funding_match.engine) back;
- ``project_for(...)``: the same project, to call the pure matcher directly.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from demandes.models import Request
from directory.models import Place
from funding import catalogue
from funding.catalogue import SchemeCard
from funding.places import location_of_commune
from funding_match import Project, match
from funding_match.engine import Match
from territory.models import Commune

# What a place's typology says of who it is, as a funding applicant.
TYPOLOGY_BENEFICIARIES = {
    "FABLAB": "fablab",
    "TIERS_LIEUX": "third_place",
    "FABRIQUE": "third_place",
    "MUNI": "commune",
    "EPCI": "epci",
    "CD": "public_body",
    "REG": "public_body",
    "ETAT": "public_body",
    "PREF": "public_body",
    "ETABL_PUB": "public_body",
    "CCAS": "public_body",
    "CIAS": "public_body",
    "RFS": "public_body",
    "MSAP": "public_body",
    "MDS": "public_body",
    "RELAIS_LECTURE": "public_body",
}
APPLICANT_WORDS = {
    "individual": "un particulier",
    "professional": "un professionnel",
    "association": "une association",
    "public_body": "une collectivité ou un service public",
    "school": "un établissement scolaire",
    "fablab": "un fablab",
    "third_place": "un tiers-lieu",
    "commune": "une commune",
    "epci": "une intercommunalité",
}
# Needs of a request (routing thesaurus codes) and equipment or services of a place, as funding themes.
NEED_THEMES = {
    "3d_printing": "digital_fabrication",
    "3d_scanning": "digital_fabrication",
    "laser_cutting": "digital_fabrication",
    "embroidery": "digital_fabrication",
    "textile_printing": "digital_fabrication",
    "vinyl_cutting": "digital_fabrication",
    "cnc_machining": "digital_fabrication",
    "electronics": "digital_fabrication",
    "project_prototyping": "digital_fabrication",
    "production_run": "business_digital",
    "large_format_printing": "digital_fabrication",
    "sewing": "digital_fabrication",
    "coding_robotics": "youth",
    "learn_coding": "digital_skills",
    "digital_careers": "digital_skills",
    "virtual_reality": "innovation",
    "ai_understanding": "digital_skills",
    "cybersecurity": "digital_skills",
    "online_admin": "digital_inclusion",
    "digital_basics": "digital_inclusion",
    "job_search": "digital_inclusion",
    "digital_parenting": "digital_inclusion",
    "refurbished_computer": "digital_inclusion",
    "internet_access": "digital_inclusion",
    "accessibility_tools": "digital_inclusion",
    "digital_discovery": "digital_mediation",
    "professional_training": "digital_skills",
    "business_communication": "business_digital",
    "video_podcast": "innovation",
    "equipment_lending": "digital_inclusion",
}
EQUIPMENT_THEMES = {
    "3d_printer": "digital_fabrication",
    "laser_cutter": "digital_fabrication",
    "3d_scanner": "digital_fabrication",
    "embroidery_machine": "digital_fabrication",
    "heat_press": "digital_fabrication",
    "vinyl_cutter": "digital_fabrication",
    "cnc_mill": "digital_fabrication",
    "large_format_printer": "digital_fabrication",
    "sewing_machine": "digital_fabrication",
    "electronics_kit": "digital_fabrication",
    "robotics_kit": "youth",
    "vr_headset": "innovation",
    "video_studio": "innovation",
    "computer_access": "digital_inclusion",
}
TYPOLOGY_THEMES = {"FABLAB": "digital_fabrication", "TIERS_LIEUX": "third_places", "FABRIQUE": "third_places"}
MEDIATION_THEMES = frozenset({"digital_mediation", "digital_inclusion"})


@dataclass(frozen=True)
class Proposal:
    """A match with what a page shows of its scheme."""

    match: Match
    card: SchemeCard


def applicant_label(beneficiaries: Iterable[str], subject: str) -> str:
    words = [APPLICANT_WORDS[code] for code in sorted(beneficiaries) if code in APPLICANT_WORDS]
    return f"{subject} est {' et '.join(words)}" if words else ""


def project_for(
    *,
    commune: Commune | None,
    beneficiaries: Iterable[str] = (),
    themes: Iterable[str] = (),
    expenses: Iterable[str] = (),
    amount: Decimal | None = None,
    subject: str = "le demandeur",
) -> Project:
    codes = frozenset(beneficiaries)
    return Project(
        location=location_of_commune(commune) if commune is not None else None,
        beneficiaries=codes,
        applicant_label=applicant_label(codes, subject),
        themes=frozenset(themes),
        expenses=frozenset(expenses),
        amount=amount,
    )


def schemes_for_project(
    project: Project, *, limit: int = 8, max_failures: int = 1, today: dt.date | None = None
) -> list[Proposal]:
    snapshot = catalogue.current(today)
    found = match(
        snapshot.catalogue.schemes.values(),
        project,
        snapshot.today,
        snapshot.catalogue.settings,
        max_failures=max_failures,
        limit=limit,
    )
    return [Proposal(match=item, card=snapshot.cards[item.scheme.id]) for item in found]


def request_project(request: Request) -> Project:
    """A request of the demandes app: its commune, the requester's audience and the themes of its needs."""
    needs = [link.category.code for link in request.need_links.select_related("category")]
    return project_for(
        commune=Commune.objects.select_related("departement", "epci").get(pk=request.commune_id),
        beneficiaries=[request.audience],
        themes={NEED_THEMES[code] for code in needs if code in NEED_THEMES},
    )


def place_project(place: Place) -> Project:
    """A place of the directory, as the applicant for equipment: its typology says who it is, its machines what for."""
    typologies = [term.code for term in place.typologies.all()]
    equipment = [item.kind.code for item in place.equipment.all()]
    themes = {TYPOLOGY_THEMES[code] for code in typologies if code in TYPOLOGY_THEMES}
    themes |= {EQUIPMENT_THEMES[code] for code in equipment if code in EQUIPMENT_THEMES}
    if not themes:
        themes = set(MEDIATION_THEMES)
    return project_for(
        commune=Commune.objects.select_related("departement", "epci").get(pk=place.commune_id),
        beneficiaries={TYPOLOGY_BENEFICIARIES[code] for code in typologies if code in TYPOLOGY_BENEFICIARIES},
        themes=themes,
        expenses={"equipment"},
        subject="votre lieu",
    )


def schemes_for_request(request: Request, *, limit: int = 6) -> list[Proposal]:
    return schemes_for_project(request_project(request), limit=limit)


def schemes_for_place(place: Place, *, limit: int = 6) -> list[Proposal]:
    return schemes_for_project(place_project(place), limit=limit)
