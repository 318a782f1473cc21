"""Rate limits, counted in the shared cache: per IP address for suggestions, per token for requests."""

import datetime as dt

import pytest
import time_machine

from demandes.models import Request
from tests.api.conftest import REQUESTS, SUGGESTIONS, bearer, post_json

pytestmark = pytest.mark.django_db

QUERY = {"description": "imprimer une pièce en 3D", "commune": "58194"}
# Inside a fixed window, so that no window starts in the middle of a test.
NOON = dt.datetime(2026, 3, 2, 12, 0, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOON, tick=False):
        yield


def test_suggestions_are_limited_per_ip_address_with_a_french_429(client, settings):
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 2
    settings.API_SUGGESTIONS_THROTTLE_WINDOW = 60

    statuses = [post_json(client, SUGGESTIONS, QUERY, REMOTE_ADDR="203.0.113.5").status_code for _ in range(3)]
    refused = post_json(client, SUGGESTIONS, QUERY, REMOTE_ADDR="203.0.113.5")

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Trop de requêtes : réessayez dans 50 secondes.", "errors": []}
    assert refused["Retry-After"] == "50"
    assert post_json(client, SUGGESTIONS, QUERY, REMOTE_ADDR="203.0.113.6").status_code == 200


def test_invalid_calls_count_against_the_limit_too(client, settings):
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 1

    assert post_json(client, SUGGESTIONS, {}).status_code == 422
    assert post_json(client, SUGGESTIONS, QUERY).status_code == 429


def test_the_limit_starts_again_with_the_next_window(client, settings):
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 1
    settings.API_SUGGESTIONS_THROTTLE_WINDOW = 60
    post_json(client, SUGGESTIONS, QUERY)
    assert post_json(client, SUGGESTIONS, QUERY).status_code == 429

    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        assert post_json(client, SUGGESTIONS, QUERY).status_code == 200


def test_requests_are_limited_per_token_whatever_the_address(client, settings, api_key):
    settings.API_REQUESTS_THROTTLE_PER_TOKEN = 2

    statuses = [
        post_json(client, REQUESTS, QUERY, REMOTE_ADDR=f"203.0.113.{number}", **bearer(api_key)).status_code
        for number in range(3)
    ]

    assert statuses == [201, 201, 429]
    assert Request.objects.count() == 2


def test_a_call_without_a_valid_token_does_not_use_the_tokens_allowance(client, settings, api_key):
    settings.API_REQUESTS_THROTTLE_PER_TOKEN = 1

    assert post_json(client, REQUESTS, QUERY, **bearer("aig_wrong")).status_code == 401
    assert post_json(client, REQUESTS, QUERY, **bearer(api_key)).status_code == 201


def test_a_cache_outage_lets_calls_through_rather_than_failing_them(client, monkeypatch):
    logged = []

    def broken(*args: object) -> int:
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr("accounts.throttle.hit", broken)
    monkeypatch.setattr("api.security.logger.exception", lambda message, *args: logged.append(message % args))

    assert post_json(client, SUGGESTIONS, QUERY).status_code == 200
    assert logged == ["Rate limit api-suggestions-ip could not be counted"]


READS = ["/api/v1/places", "/api/v1/communes?q=Nevers", "/api/v1/vocabularies", "/api/v1/vocabularies/fee"]


def test_reads_share_one_allowance_per_ip_address_with_a_french_429(client, settings):
    settings.API_READS_THROTTLE_PER_IP = 4
    settings.API_READS_THROTTLE_WINDOW = 60

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.5").status_code for url in READS]
    refused = client.get("/api/v1/places", REMOTE_ADDR="203.0.113.5")

    assert statuses == [200, 200, 200, 200]
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Trop de requêtes : réessayez dans 50 secondes.", "errors": []}
    assert refused["Retry-After"] == "50"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/places", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_reads_do_not_use_the_allowance_of_suggestions(client, settings):
    settings.API_READS_THROTTLE_PER_IP = 1
    settings.API_SUGGESTIONS_THROTTLE_PER_IP = 1

    assert client.get("/api/v1/vocabularies").status_code == 200
    assert client.get("/api/v1/vocabularies").status_code == 429
    assert post_json(client, SUGGESTIONS, QUERY).status_code == 200


def test_head_counts_as_a_read_and_a_preflight_does_not(client, settings):
    settings.API_READS_THROTTLE_PER_IP = 1

    for _ in range(3):
        assert client.options("/api/v1/places").status_code == 204
    assert client.head("/api/v1/places").status_code == 200
    assert client.head("/api/v1/places").status_code == 429
    assert client.get("/api/v1/places").status_code == 429


def test_the_default_read_allowance_is_generous(client):
    statuses = {client.get("/api/v1/vocabularies/fee").status_code for _ in range(120)}

    assert statuses == {200}
