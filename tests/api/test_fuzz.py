"""Whatever a client sends, the API answers in its error shape and never with a 5xx."""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.conftest import REQUESTS, SUGGESTIONS, bearer
from tests.factories import make_place

pytestmark = pytest.mark.django_db

FIELDS = [
    "description",
    "commune",
    "audience",
    "quantity",
    "accessibility_needs",
    "needs",
    "max_distance_km",
    "limit",
    "situations",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(["58095", "2A004", "deaf", "3d_scanning", "senior", "", " ", "\x00"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values, max_size=8)
FUZZ = hypothesis_settings(
    max_examples=150, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def unlimited(settings):  # noqa: ANN001, ANN201
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 100_000
    settings.API_REQUESTS_THROTTLE_PER_TOKEN = 100_000
    settings.API_READS_THROTTLE_PER_IP = 100_000


def _assert_answered(response) -> None:  # noqa: ANN001
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 304:
        assert response.content == b""
        return
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body["detail"], str) and body["detail"]
        assert all(set(error) == {"field", "message"} for error in body["errors"])


def test_any_json_object_gets_an_answer_and_never_a_server_error(client, unlimited, api_key):
    @FUZZ
    @given(body=bodies, url=st.sampled_from([SUGGESTIONS, REQUESTS]))
    def send(body: dict, url: str) -> None:
        _assert_answered(client.post(url, json.dumps(body), content_type="application/json", **bearer(api_key)))

    send()


def test_any_bytes_with_any_content_type_get_an_answer_and_never_a_server_error(client, unlimited, api_key):
    @FUZZ
    @given(
        raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
        content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
        url=st.sampled_from([SUGGESTIONS, REQUESTS]),
    )
    def send(raw: bytes, content_type: str, url: str) -> None:
        _assert_answered(client.post(url, raw, content_type=content_type, **bearer(api_key)))

    send()


READ_PARAMETERS = [
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
    "limit",
]
parameter_values = st.text(max_size=30) | st.sampled_from(
    ["58095", "2A004", "58120", "", "0", "-1", "1e3", "true", "3d_printer", "FABLAB", "\x00", "9" * 30, "nevers"]
)
query_strings = st.lists(
    st.tuples(st.sampled_from(READ_PARAMETERS) | st.text(max_size=8), parameter_values), max_size=6
).map(urlencode)
header_values = st.none() | st.text(max_size=40) | st.sampled_from(["*", 'W/"x"', "Mon, 02 Mar 2026 09:00:00 GMT"])


def test_any_query_string_and_validators_on_a_read_get_an_answer_and_never_a_server_error(client, unlimited):
    make_place(name="Fablab de Decize", commune="58095", equipment=("3d_printer",), opening_hours="Mo 09:00-12:00")

    @FUZZ
    @given(
        url=st.sampled_from(["/api/v1/places", "/api/v1/communes"]),
        query=query_strings,
        if_none_match=header_values,
        if_modified_since=header_values,
    )
    def send(url: str, query: str, if_none_match: str | None, if_modified_since: str | None) -> None:
        headers = {}
        if if_none_match is not None:
            headers["HTTP_IF_NONE_MATCH"] = if_none_match
        if if_modified_since is not None:
            headers["HTTP_IF_MODIFIED_SINCE"] = if_modified_since
        _assert_answered(client.get(f"{url}?{query}", **headers))

    send()


def test_any_place_id_or_vocabulary_name_gets_an_answer_and_never_a_server_error(client, unlimited):
    place = make_place(name="Fablab de Decize", commune="58095")

    @FUZZ
    @given(
        prefix=st.sampled_from(["/api/v1/places/", "/api/v1/vocabularies/"]),
        segment=st.text(min_size=1, max_size=40).filter(lambda text: "/" not in text)
        | st.integers().map(str)
        | st.just(str(place.pk)),
    )
    def send(prefix: str, segment: str) -> None:
        _assert_answered(client.get(prefix + quote(segment, safe="")))

    send()
