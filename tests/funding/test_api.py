"""/api/v1/funding/: the search with the page's filters and messages, one scheme, drafts never shown."""

import pytest

from tests.funding.factories import LUZY, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unlimited(settings):
    settings.API_READS_THROTTLE_PER_IP = 100_000


def test_the_api_searches_like_the_page_with_reasons_and_codes(client):
    make_scheme(title="Aide de l'Yonne", perimeter=("departement:89",), beneficiaries=("association",))
    scheme = make_scheme(
        title="Aide de la Nièvre", beneficiaries=("association",), amount_ceiling="15000.50", closes_on="2099-01-31"
    )
    make_scheme(title="Brouillon", status="draft")

    response = client.get(f"/api/v1/funding/schemes?commune={LUZY}&beneficiaire=association")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["pages"] == 1 and body["next"] is None
    [result] = body["results"]
    assert result["id"] == scheme.pk and result["title"] == "Aide de la Nièvre"
    assert result["areas"] == [{"kind": "departement", "code": "58"}]
    assert result["amount_ceiling"] == "15000.50"
    assert result["next_deadline"] == "2099-01-31" and result["state"] == "open"
    assert result["reason"].startswith("périmètre : Nièvre (58) (comprend Luzy) ; ouvert aux publics : Associations")
    assert result["funders"] == [
        {"name": "Département de la Nièvre", "level": "departement", "level_label": "Département"}
    ]


def test_bad_filters_get_the_pages_french_messages_in_the_api_shape(client):
    response = client.get("/api/v1/funding/schemes?montant=beaucoup&beneficiaire=martiens&page_size=500")

    assert response.status_code == 422
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert fields["montant"].startswith("Le montant doit être un nombre d'euros")
    assert fields["beneficiaire"] == "« martiens » n'est pas dans la liste."
    assert fields["page_size"] == "Un nombre de 1 à 100."
    assert client.get("/api/v1/funding/schemes?page=3").status_code == 404


def test_one_scheme_reads_in_full_and_a_draft_does_not_exist(client):
    scheme = make_scheme(title="Aide annuelle", window=((11, 15), (1, 31)))
    draft = make_scheme(title="Brouillon", status="draft")

    body = client.get(f"/api/v1/funding/schemes/{scheme.pk}").json()

    assert body["recurrence"] == "yearly" and (body["window_start"], body["window_end"]) == ("11-15", "01-31")
    assert body["source"] == "tests"
    assert client.get(f"/api/v1/funding/schemes/{draft.pk}").status_code == 404
    assert client.get("/api/v1/funding/schemes/0").status_code == 422


def test_the_funding_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    operation = paths["/api/v1/funding/schemes"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"commune", "epci", "beneficiaire", "theme", "depense", "montant", "ouvert", "cloture"} <= names
    assert "get" in paths["/api/v1/funding/schemes/{scheme_id}"]
