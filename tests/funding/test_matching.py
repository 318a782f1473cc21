"""Matching with reasons: the pure matcher alone, then a request's page and a place's page."""

import datetime as dt
from decimal import Decimal

import pytest

from funding import matching
from funding_match import Area, Location, MatchSettings, Project, Schedule, SchemeFacts, match
from funding_match.calendar import MonthDay
from tests.accounts.factories import make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place
from tests.funding.factories import LUZY, make_scheme

TODAY = dt.date(2026, 12, 20)
LUZY_LOCATION = Location.of_commune(commune=LUZY, departement="58", region="27", epci="200067882", label="Luzy")
LABELS = MatchSettings(
    labels={
        "beneficiary": {"association": "Associations", "public_body": "Collectivités", "fablab": "Fablabs"},
        "theme": {"digital_fabrication": "Fabrication numérique", "business_digital": "Transition des entreprises"},
        "expense": {"equipment": "Équipement", "training": "Formation"},
    }
)


def facts(scheme_id: int, **fields: object) -> SchemeFacts:
    fields.setdefault("areas", frozenset({Area("departement", "58")}))
    fields.setdefault("perimeter_label", "Nièvre (58)")
    fields.setdefault("schedule", Schedule(recurrence="ongoing"))
    return SchemeFacts(id=scheme_id, title=f"Dispositif {scheme_id}", status="published", **fields)  # type: ignore[arg-type]


def test_a_scheme_for_associations_says_what_is_missing_for_a_public_body():
    scheme = facts(1, beneficiaries=frozenset({"association"}))
    project = Project(
        location=LUZY_LOCATION,
        beneficiaries=frozenset({"public_body"}),
        applicant_label="votre lieu est une collectivité",
    )

    [result] = match([scheme], project, TODAY, LABELS)

    assert not result.fits
    assert result.missing == ("réservé aux publics : Associations ; votre lieu est une collectivité",)
    assert result.reasons == ("périmètre : Nièvre (58) (comprend Luzy)", "ouvert en permanence")


def test_a_fitting_scheme_gives_its_reasons_and_what_to_check():
    scheme = facts(
        2,
        beneficiaries=frozenset({"fablab", "association"}),
        themes=frozenset({"digital_fabrication"}),
        expenses=frozenset({"equipment"}),
        amount_ceiling=Decimal("15000"),
        schedule=Schedule(recurrence="one_off", closes_on=dt.date(2027, 1, 10)),
    )
    project = Project(
        location=LUZY_LOCATION,
        beneficiaries=frozenset({"fablab"}),
        themes=frozenset({"digital_fabrication"}),
        expenses=frozenset({"equipment"}),
        amount=Decimal("8000"),
    )

    [result] = match([scheme], project, TODAY, LABELS)

    assert result.fits and result.missing == ()
    assert result.reasons == (
        "périmètre : Nièvre (58) (comprend Luzy)",
        "ouvert aux publics : Fablabs",
        "thème : Fabrication numérique",
        "finance : Équipement",
        "jusqu'à 15\u202f000\u00a0€",
        "clôture le 10 janvier 2027 (dans 21 jours)",
    )


def test_fitting_schemes_come_first_then_the_better_scores_then_the_narrowest():
    near_miss = facts(1, beneficiaries=frozenset({"association"}))
    national = facts(
        2, areas=frozenset({Area("france")}), perimeter_label="France", themes=frozenset({"digital_fabrication"})
    )
    local = facts(3, themes=frozenset({"digital_fabrication"}))
    unknown_theme = facts(4)
    elsewhere = facts(5, areas=frozenset({Area("departement", "89")}), perimeter_label="Yonne (89)")
    project = Project(
        location=LUZY_LOCATION, beneficiaries=frozenset({"fablab"}), themes=frozenset({"digital_fabrication"})
    )

    found = match([near_miss, national, local, unknown_theme, elsewhere], project, TODAY, LABELS)

    assert [result.scheme.id for result in found] == [3, 2, 4, 1]
    assert found[2].missing == (
        "public éligible non précisé : à vérifier auprès du financeur",
        "thèmes non précisés : à vérifier",
    )


def test_closed_drafts_past_deadlines_and_amounts_beyond_the_ceiling():
    closed = SchemeFacts(id=1, title="Fermé", status="closed", areas=frozenset({Area("france")}), schedule=Schedule())
    past = facts(2, schedule=Schedule(closes_on=dt.date(2026, 1, 1)))
    small = facts(3, amount_ceiling=Decimal("2000"))
    window = facts(4, schedule=Schedule(recurrence="yearly", window_start=MonthDay(3, 1), window_end=MonthDay(4, 30)))
    project = Project(location=LUZY_LOCATION, amount=Decimal("5000"))

    found = {result.scheme.id: result for result in match([closed, past, small, window], project, TODAY, LABELS)}

    assert set(found) == {3, 4}
    assert found[3].missing[-1] == "plafond de 2\u202f000\u00a0€, moins que les 5\u202f000\u00a0€ cherchés"
    assert "ouvre le 1er mars 2027" in found[4].reasons


@pytest.mark.django_db
def test_a_coordinator_sees_the_schemes_that_fit_a_professionals_request(client):
    make_scheme(
        title="Numérique des TPE nivernaises",
        beneficiaries=("professional",),
        themes=("business_digital", "digital_fabrication"),
    )
    make_scheme(title="Aide aux associations", beneficiaries=("association",), themes=("digital_fabrication",))
    make_scheme(title="Aide de l'Yonne", perimeter=("departement:89",), beneficiaries=("professional",))
    created = make_request("Je cherche un scanner 3D pour mes semelles", audience="professional")
    client.force_login(make_coordinator())

    page = client.get(f"/coordination/demandes/{created.request.reference}/").content.decode()

    assert "Financements possibles" in page
    assert page.index("Numérique des TPE nivernaises") < page.index("Aide aux associations")
    assert "Aide de l&#x27;Yonne" not in page
    assert "réservé aux publics : Associations ; le demandeur est un professionnel" in page


@pytest.mark.django_db
def test_a_place_manager_sees_how_to_fund_equipment_for_their_fablab(client):
    make_scheme(
        title="Équiper les fablabs",
        beneficiaries=("fablab", "association"),
        themes=("digital_fabrication",),
        expenses=("equipment",),
    )
    make_scheme(title="Postes de médiateurs", beneficiaries=("public_body",), expenses=("mediation_staff",))
    fablab = make_place(name="Fablab de Luzy", commune=LUZY, typologies=("FABLAB",), equipment=("3d_printer",))
    manager = make_user("fablab@example.org", role="place_manager", places=(fablab,))

    anonymous = client.get(fablab.get_absolute_url()).content.decode()
    client.force_login(manager)
    page = client.get(fablab.get_absolute_url()).content.decode()

    assert "Financer un équipement pour votre lieu" not in anonymous
    assert "Financer un équipement pour votre lieu" in page
    assert "Équiper les fablabs" in page
    assert "ouvert aux publics : Fablabs et ateliers de fabrication numérique" in page
    proposals = matching.schemes_for_place(fablab)
    assert [proposal.card.title for proposal in proposals] == ["Équiper les fablabs"]
