"""GET /api/v1/communes: the forgiving look-up, so that partners' forms find the INSEE code people mean."""

import pytest

pytestmark = pytest.mark.django_db

COMMUNES = "/api/v1/communes"


def _codes(client, q: str, **params: str) -> list[str]:  # noqa: ANN001
    response = client.get(COMMUNES, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [commune["code"] for commune in response.json()["results"]]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("chateau chinon", "58062"),
        ("CHÂTEAU-CHINON", "58062"),
        ("St Pierre le Moutier", "58264"),
        ("saint-pierre-le-moûtier", "58264"),
        ("Nevers", "58194"),
        ("nev", "58194"),
        ("58194", "58194"),
        ("2a004", "2A004"),
        ("Clamecy (02)", "02198"),
    ],
)
def test_accents_case_hyphens_saint_and_codes_find_the_commune_first(client, q, first):
    assert _codes(client, q)[0] == first


def test_a_homonym_of_the_served_territory_comes_before_the_others(client):
    assert _codes(client, "Clamecy")[:2] == ["58079", "02198"]


def test_a_postcode_finds_every_commune_that_shares_it(client):
    codes = _codes(client, "58120")

    assert codes[:2] == ["58062", "58063"]
    assert len(codes) > 2
    assert all("58120" in commune["postcodes"] for commune in client.get(COMMUNES, {"q": "58120"}).json()["results"])


def test_each_commune_comes_with_its_postcodes_departement_epci_population_and_point(client):
    [commune] = client.get(COMMUNES, {"q": "58062"}).json()["results"]

    assert commune["code"] == "58062"
    assert commune["name"] == "Château-Chinon (Ville)"
    assert commune["postcodes"] == ["58120"]
    assert commune["departement"] == {"code": "58", "name": "Nièvre"}
    assert commune["epci"]["siren"] == "200067890"
    assert commune["epci"]["name"] == "Communauté de communes Morvan Sommets et Grands Lacs"
    assert commune["population"] > 1000
    assert 47.0 < commune["point"]["latitude"] < 47.1
    assert 3.9 < commune["point"]["longitude"] < 4.0


def test_nothing_found_is_an_empty_list_not_an_error(client):
    assert _codes(client, "Trifouillis-les-Oies") == []


def test_limit_caps_the_number_of_communes(client):
    assert len(_codes(client, "saint")) == 10
    assert len(_codes(client, "saint", limit="3")) == 3
    assert len(_codes(client, "saint", limit="20")) == 20


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "Indiquez un nom de commune, un code postal ou un code INSEE."),
        ({"q": ""}, "q", "Indiquez un nom de commune, un code postal ou un code INSEE."),
        ({"q": "   "}, "q", "Indiquez un nom de commune, un code postal ou un code INSEE."),
        ({"q": "x" * 101}, "q", "100 caractères au plus."),
        ({"q": "Nev\x00ers"}, "q", "Le texte contient des caractères non autorisés."),
        ({"q": "Nevers", "limit": "21"}, "limit", "La valeur doit être inférieure ou égale à 20."),
        ({"q": "Nevers", "limit": "0"}, "limit", "La valeur doit être supérieure ou égale à 1."),
        ({"q": "Nevers", "limit": "dix"}, "limit", "Un nombre entier est attendu."),
    ],
)
def test_a_missing_empty_or_too_long_query_gets_a_french_422(client, params, field, message):
    response = client.get(COMMUNES, params)

    assert response.status_code == 422
    assert response.json() == {"detail": "Requête invalide.", "errors": [{"field": field, "message": message}]}
