"""The OpenAPI document is the contract: served, complete, in French, and the API keeps to it."""

import json

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aiguillage.wsgi import application
from tests.factories import make_place

OPENAPI = "/api/v1/openapi.json"

pytestmark = pytest.mark.django_db


def _document(client) -> dict:  # noqa: ANN001
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return json.loads(response.content)


READS = {
    "/api/v1/places",
    "/api/v1/places/{place_id}",
    "/api/v1/communes",
    "/api/v1/vocabularies",
    "/api/v1/vocabularies/{name}",
    "/api/v1/funding/schemes",
    "/api/v1/funding/schemes/{scheme_id}",
}


def test_the_openapi_document_describes_every_operation(client):
    document = _document(client)

    assert document["info"]["title"] == "aiguillage API"
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {"/api/v1/suggestions", "/api/v1/requests", *READS}
    assert set(document["paths"]["/api/v1/suggestions"]) == {"post"}
    assert set(document["paths"]["/api/v1/requests"]) == {"post"}
    assert "security" not in document["paths"]["/api/v1/suggestions"]["post"]
    assert document["paths"]["/api/v1/requests"]["post"]["security"] == [{"OrganisationToken": []}]
    assert document["components"]["securitySchemes"]["OrganisationToken"]["scheme"] == "bearer"
    for path in READS:
        assert set(document["paths"][path]) == {"get"}, path
        assert "security" not in document["paths"][path]["get"], path
        assert "429" in document["paths"][path]["get"]["responses"], path


def test_the_reads_of_places_document_their_filters_pagination_and_conditional_answers(client):
    operation = _document(client)["paths"]["/api/v1/places"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert set(parameters) == {
        "q",
        "ou",
        "commune",
        "rayon",
        "type",
        "service",
        "equipement",
        "public",
        "accessibilite",
        "ouvert",
        "page",
        "page_size",
        "If-None-Match",
        "If-Modified-Since",
    }
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "description": parameters["page_size"]["description"],
        "title": "Page Size",
    }
    assert set(operation["responses"]) == {"200", "304", "404", "422", "429"}
    assert "content" not in operation["responses"]["304"]
    assert set(operation["responses"]["200"]["headers"]) == {"ETag", "Last-Modified"}


def test_every_operation_response_and_field_is_described_in_french(client):
    document = _document(client)

    for path in document["paths"].values():
        for operation in path.values():
            assert operation["summary"] and operation["description"]
            for status, response in operation["responses"].items():
                assert response["description"] not in ("OK", "Created", "Unknown Status Code"), status
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), parameter["name"]
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("description"), name
        for field, spec in schema["properties"].items():
            assert spec.get("description"), f"{name}.{field}"


def test_the_documentation_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert '"validatorUrl": null' in page
    assert f'href="{OPENAPI}"' in page
    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def _realistic(case: schemathesis.Case, commune: str | None, place_id: int | None) -> schemathesis.Case:
    """Random INSEE codes and ids are mostly unknown: send some valid cases from real communes and places."""
    if commune and isinstance(case.body, dict):
        case.body["commune"] = commune
    if commune and isinstance(case.query, dict) and "commune" in case.query:
        case.query["commune"] = commune
        case.query.pop("ou", None)
    if place_id and isinstance(case.path_parameters, dict) and "place_id" in case.path_parameters:
        case.path_parameters["place_id"] = place_id
    return case


# Operations where every input is valid: no invalid case exists to send (an unknown name is a valid 404).
NOTHING_TO_BREAK = {"GET /api/v1/vocabularies", "GET /api/v1/vocabularies/{name}"}
# Few examples per operation and mode: enough to cross every branch of validation in well under a minute.
EXAMPLES = 60


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's connection open across WSGI requests, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("wsgi_in_test_transaction")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_the_api_keeps_to_its_openapi_document_and_never_fails(mode, settings, api_key):
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 100_000
    settings.API_REQUESTS_THROTTLE_PER_TOKEN = 100_000
    settings.API_READS_THROTTLE_PER_IP = 100_000
    fablab = make_place(name="Fablab de Decize", commune="58095", equipment=("3d_scanner", "3d_printer"))
    mobile = make_place(name="Atelier mobile", commune="58194", equipment=("embroidery_machine",), stops=("58095",))
    closed = make_place(name="Écocentre", commune="58149", status="closed", source="mednum-bfc", source_id="b1")
    schema = schemathesis.openapi.from_wsgi(OPENAPI, application)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.label in NOTHING_TO_BREAK:
            continue
        strategy = operation.as_strategy(generation_mode=mode)
        if mode is GenerationMode.POSITIVE:
            strategy = st.builds(
                _realistic,
                strategy,
                st.sampled_from(["58095", "58194", None]),
                st.sampled_from([fablab.pk, mobile.pk, closed.pk, None]),
            )

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            # Uncompressed: the WSGI transport reads the body as it comes (GZipMiddleware would compress it).
            headers = {"Authorization": f"Bearer {api_key}", "Accept-Encoding": "identity"}
            case.call_and_validate(headers=headers, checks=checks)

        call()
