"""Perimeters by INSEE codes: a commune finds every scheme whose perimeter holds it, and none other."""

import pytest
from django.http import QueryDict

from funding import catalogue, search
from funding_match.perimeter import Area, Location, contains, covering
from tests.funding.factories import BAZOIS_LOIRE_MORVAN, BFC, LUZY, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def schemes():
    return {
        "nievre": make_scheme(title="Aide de la Nièvre aux associations", beneficiaries=("association",)),
        "bfc": make_scheme(
            title="Tiers-lieux en Bourgogne-Franche-Comté",
            perimeter=(f"region:{BFC}",),
            beneficiaries=("association", "commune"),
        ),
        "france": make_scheme(title="Fonds national", perimeter=("france",), beneficiaries=("association",)),
        "eu": make_scheme(title="Programme européen", perimeter=("eu",), beneficiaries=("association", "professional")),
        "yonne": make_scheme(title="Aide de l'Yonne", perimeter=("departement:89",), beneficiaries=("association",)),
        "epci": make_scheme(
            title="Aide de Bazois Loire Morvan", perimeter=(f"epci:{BAZOIS_LOIRE_MORVAN}",), beneficiaries=()
        ),
        "nevers_only": make_scheme(
            title="Aide de Nevers", perimeter=("commune:58194",), beneficiaries=("association",)
        ),
        "firms": make_scheme(title="Aide aux entreprises de la Nièvre", beneficiaries=("professional",)),
        "draft": make_scheme(title="Brouillon nivernais", beneficiaries=("association",), status="draft"),
    }


def _titles(params: str) -> list[str]:
    snapshot = catalogue.current()
    form = search.bound_form(QueryDict(params), snapshot)
    assert form.is_valid(), form.errors
    return [card.title for _, card in search.run(form, snapshot).results]


def test_a_luzy_association_finds_the_nievre_region_france_and_eu_schemes_not_the_yonnes(schemes):
    found = _titles(f"commune={LUZY}&beneficiaire=association")

    assert set(found) >= {
        "Aide de la Nièvre aux associations",
        "Tiers-lieux en Bourgogne-Franche-Comté",
        "Fonds national",
        "Programme européen",
    }
    assert "Aide de l'Yonne" not in found
    assert "Aide de Nevers" not in found
    assert "Aide aux entreprises de la Nièvre" not in found
    assert "Brouillon nivernais" not in found


def test_the_narrowest_perimeter_comes_first_and_a_scheme_that_states_no_audience_is_kept(schemes):
    found = _titles(f"commune={LUZY}&beneficiaire=association")

    # EPCI (audience not stated: unknown is not no), then département, region, France, Europe.
    assert found == [
        "Aide de Bazois Loire Morvan",
        "Aide de la Nièvre aux associations",
        "Tiers-lieux en Bourgogne-Franche-Comté",
        "Fonds national",
        "Programme européen",
    ]


def test_a_commune_typed_by_name_finds_the_same_schemes(schemes):
    assert _titles("ou=Luzy&beneficiaire=association") == _titles(f"commune={LUZY}&beneficiaire=association")


def test_an_epci_finds_the_schemes_of_its_communes_departement_and_region(schemes):
    found = _titles(f"epci={BAZOIS_LOIRE_MORVAN}")

    assert "Aide de Bazois Loire Morvan" in found and "Aide de la Nièvre aux associations" in found
    assert "Aide de l'Yonne" not in found and "Aide de Nevers" not in found


def test_a_commune_applicant_is_also_a_public_body():
    make_scheme(title="Pour les collectivités", beneficiaries=("public_body",))
    make_scheme(title="Pour les associations", beneficiaries=("association",))

    assert _titles(f"commune={LUZY}&beneficiaire=commune") == ["Pour les collectivités"]


def test_containment_is_by_area_codes():
    luzy = Location.of_commune(commune=LUZY, departement="58", region=BFC, epci=BAZOIS_LOIRE_MORVAN)
    assert contains(frozenset({Area("departement", "58")}), luzy)
    assert not contains(frozenset({Area("departement", "89")}), luzy)
    assert covering(frozenset({Area("france"), Area("departement", "58")}), luzy) == Area("departement", "58")
