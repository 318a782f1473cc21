import pytest
from django.test import override_settings

from territory.lookup import find_communes, forget_lookups, resolve_commune


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chateau chinon", "Château-Chinon (Ville)"),
        ("CHATEAU-CHINON", "Château-Chinon (Ville)"),
        ("st pierre le moutier", "Saint-Pierre-le-Moûtier"),
        ("Saint-Pierre-le-Moûtier", "Saint-Pierre-le-Moûtier"),
        ("ste colombe des bois", "Sainte-Colombe-des-Bois"),
        ("cosne cours sur loire", "Cosne-Cours-sur-Loire"),
        ("  nevers ", "Nevers"),
    ],
)
def test_it_forgives_accents_case_hyphens_and_saint_abbreviations(db, query, expected):
    assert find_communes(query)[0].name == expected


def test_chateau_chinon_offers_both_communes_of_that_name(db):
    names = [commune.name for commune in find_communes("chateau chinon")]
    assert names[:2] == ["Château-Chinon (Ville)", "Château-Chinon (Campagne)"]


def test_clamecy_offers_the_nievre_one_first(db):
    found = find_communes("Clamecy")
    assert [(c.name, c.departement.code) for c in found[:2]] == [("Clamecy", "58"), ("Clamecy", "02")]


@override_settings(TERRITORY_DEPARTEMENTS=["02"])
def test_the_served_territory_is_configuration(db):
    assert find_communes("Clamecy")[0].departement.code == "02"


def test_a_postcode_finds_its_communes(db):
    codes = {commune.code for commune in find_communes("58120", limit=50)}
    assert {"58062", "58063"} <= codes
    found = find_communes("58120", limit=50)
    # The same digits are also an INSEE code (another commune): it comes after the postcode's communes.
    assert all("58120" in commune.postcodes for commune in found[:-1])
    assert found[-1].code == "58120" and "58120" not in found[-1].postcodes


def test_a_departement_in_parentheses_narrows_the_choice(db):
    assert find_communes("Clamecy (02)")[0].code == "02198"


def test_an_insee_code_finds_its_commune(db):
    assert [c.name for c in find_communes("58194")] == ["Nevers"]


def test_unknown_or_empty_queries_find_nothing(db):
    assert find_communes("zzqxw") == []
    assert find_communes("") == []
    assert find_communes("  - ") == []
    assert resolve_commune("zzqxw") == (None, [])


def test_resolve_returns_the_best_and_the_alternatives(db):
    best, others = resolve_commune("clamecy")
    assert best.code == "58079"
    assert "02198" in [commune.code for commune in others]


def test_a_name_typed_again_is_answered_from_memory_until_the_communes_change(db, django_assert_num_queries):
    best, others = resolve_commune("Chateau Chinon")
    with django_assert_num_queries(0):
        assert resolve_commune("  château  chinon ".replace("â", "a")) == (best, others)
    forget_lookups()
    with django_assert_num_queries(1):
        assert resolve_commune("Chateau Chinon")[0] == best
