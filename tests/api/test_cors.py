"""CORS: any web page may read the directory and ask for suggestions; none may record a request."""

import pytest

from tests.api.conftest import REQUESTS, SUGGESTIONS, bearer, post_json
from tests.factories import make_place

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://www.mairie-luzy.example"}
QUERY = {"description": "imprimer une pièce en 3D", "commune": "58194"}


@pytest.fixture
def reads() -> list[str]:
    place = make_place(name="Fablab de Nevers", equipment=("3d_printer",))
    return [
        "/api/v1/places?q=imprimante+3D",
        f"/api/v1/places/{place.pk}",
        "/api/v1/communes?q=Nevers",
        "/api/v1/vocabularies",
        "/api/v1/vocabularies/equipment",
        "/api/v1/openapi.json",
    ]


def test_every_read_is_open_to_any_origin(client, reads):
    for url in reads:
        response = client.get(url, **ORIGIN)

        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url


def test_the_validators_and_retry_after_are_readable_by_the_calling_page(client, reads):
    exposed = client.get(reads[0], **ORIGIN)["Access-Control-Expose-Headers"]

    assert {name.strip() for name in exposed.split(",")} == {"ETag", "Last-Modified", "Retry-After"}


def test_errors_of_the_reads_are_readable_by_the_calling_page_too(client, reads):
    for url in ["/api/v1/places/987654", "/api/v1/places?page=0", "/api/v1/communes", "/api/v1/vocabularies/x"]:
        response = client.get(url, **ORIGIN)

        assert response.status_code in (404, 422), url
        assert response["Access-Control-Allow-Origin"] == "*", url


def test_a_preflight_of_a_read_gets_a_204_that_allows_get_head_and_options(client, reads):
    for url in reads:
        response = client.options(
            url, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match", **ORIGIN
        )

        assert response.status_code == 204, url
        assert response.content == b""
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert "If-None-Match" in response["Access-Control-Allow-Headers"]
        assert "Authorization" not in response["Access-Control-Allow-Headers"]
        assert int(response["Access-Control-Max-Age"]) > 0


def test_head_of_every_read_answers_like_get_without_a_body(client, reads):
    for url in reads:
        get, head = client.get(url), client.head(url, **ORIGIN)

        assert head.status_code == 200, url
        assert head.content == b""
        assert head["Content-Type"] == get["Content-Type"]
        assert head["Access-Control-Allow-Origin"] == "*"


def test_suggestions_record_nothing_and_are_open_to_any_origin(client):
    preflight = client.options(
        SUGGESTIONS, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type"
    )
    response = post_json(client, SUGGESTIONS, QUERY, **ORIGIN)

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_requests_need_a_token_and_send_no_cors_header(client, api_key):
    created = post_json(client, REQUESTS, QUERY, **ORIGIN, **bearer(api_key))
    refused = post_json(client, REQUESTS, QUERY, **ORIGIN)
    preflight = client.options(REQUESTS, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **ORIGIN)

    assert created.status_code == 201 and refused.status_code == 401
    assert preflight.status_code == 405
    for response in (created, refused, preflight):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_head_is_not_a_way_into_the_write_endpoints(client, api_key):
    response = client.head(REQUESTS, **bearer(api_key))

    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response
