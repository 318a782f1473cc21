"""GET /api/v1/vocabularies: the codes the parameters, files and fiches use, with their French labels."""

import pytest

from directory.models import Term, Vocabulary

pytestmark = pytest.mark.django_db

VOCABULARIES = "/api/v1/vocabularies"


def test_every_vocabulary_comes_with_its_terms_in_the_sites_order(client):
    body = client.get(VOCABULARIES).json()

    assert [vocabulary["name"] for vocabulary in body["results"]] == list(Vocabulary.values)
    by_name = {vocabulary["name"]: vocabulary for vocabulary in body["results"]}
    assert by_name["equipment"]["label"] == "Équipement"
    assert [term["code"] for term in by_name["equipment"]["terms"]] == list(
        Term.objects.of("equipment").order_by("position", "label").values_list("code", flat=True)
    )
    assert {"code": "3d_printer", "label": "Imprimante 3D", "national_value": ""} in by_name["equipment"]["terms"]
    assert sum(len(vocabulary["terms"]) for vocabulary in body["results"]) == Term.objects.count()


def test_terms_carry_the_value_of_the_national_standard_when_it_has_one(client):
    terms = client.get(f"{VOCABULARIES}/accessibility").json()["terms"]
    by_code = {term["code"]: term for term in terms}

    assert by_code["deaf"]["national_value"] == Term.objects.get(vocabulary="accessibility", code="deaf").national_value
    assert by_code["deaf"]["national_value"]
    assert by_code["wheelchair_access"]["national_value"] == ""


def test_one_vocabulary_by_its_name(client):
    body = client.get(f"{VOCABULARIES}/audience").json()

    assert body["name"] == "audience"
    assert body["label"] == "Public accueilli"
    assert [term["code"] for term in body["terms"]] == [
        "individual",
        "professional",
        "association",
        "public_body",
        "school",
    ]


def test_a_term_added_by_a_coordinator_is_listed_at_once(client):
    Term.objects.create(vocabulary="equipment", code="knitting_machine", label="Machine à tricoter", position=999)

    terms = client.get(f"{VOCABULARIES}/equipment").json()["terms"]

    assert terms[-1] == {"code": "knitting_machine", "label": "Machine à tricoter", "national_value": ""}


def test_an_unknown_vocabulary_is_a_french_404_that_lists_the_known_ones(client):
    response = client.get(f"{VOCABULARIES}/machines")

    assert response.status_code == 404
    assert response.json()["errors"] == []
    assert response.json()["detail"].startswith("Vocabulaire inconnu : « machines ». Vocabulaires : typology, ")
    assert "equipment" in response.json()["detail"]
