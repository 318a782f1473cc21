"""POST /api/v1/requests: a partner's tool records a request with its organisation's token."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from accounts.models import ApiToken
from demandes.models import Channel, Request, Status
from tests.api.conftest import REQUESTS, bearer, post_json

pytestmark = pytest.mark.django_db

DECIZE = "58095"
FEET = {"description": "scanner les pieds de mes clients en 3D", "commune": DECIZE, "audience": "professional"}


def test_without_a_token_it_answers_401_in_french_and_records_nothing(client):
    response = post_json(client, REQUESTS, FEET)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "detail": "Authentification requise : envoyez l'en-tête Authorization: Bearer <jeton>.",
        "errors": [],
    }
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    ["Bearer aig_not-a-token-we-issued", "Bearer ", "Bearer something-else", "Token aig_x", "Basic dXNlcjpwYXNz"],
)
def test_a_bad_token_gets_401(client, api_key, authorization):
    response = post_json(client, REQUESTS, FEET, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton d'API invalide ou révoqué."
    assert not Request.objects.exists()


def test_a_revoked_token_gets_401(client, api_key):
    ApiToken.objects.get().revoke()

    response = post_json(client, REQUESTS, FEET, **bearer(api_key))

    assert response.status_code == 401
    assert not Request.objects.exists()


def test_authentication_comes_before_validation(client):
    response = post_json(client, REQUESTS, {"description": 1})

    assert response.status_code == 401


def test_a_valid_token_records_the_request_for_its_organisation(client, api_key, organisation):
    response = post_json(client, REQUESTS, FEET, **bearer(api_key))

    assert response.status_code == 201
    body = response.json()
    created = Request.objects.get()
    assert body["reference"] == created.reference
    assert created.channel == Channel.API
    assert created.organisation == organisation
    assert created.audience == "professional"
    assert created.recorded_by is None
    assert body["status"] == created.status == Status.QUALIFIED
    assert [need["code"] for need in body["needs"]] == ["3d_scanning"]
    assert body["needs"][0]["evidence"]
    assert body["unmet"] is created.unmet is True
    assert body["tracking_url"].startswith(settings.SITE_URL + "/")


def test_the_tracking_url_returned_opens_the_requesters_page(client, api_key):
    body = post_json(client, REQUESTS, FEET, **bearer(api_key)).json()

    response = client.get(urlsplit(body["tracking_url"]).path)

    assert response.status_code == 200
    assert body["reference"] in response.content.decode()


def test_a_request_whose_needs_are_not_recognised_waits_for_a_coordinator(client, api_key):
    body = post_json(client, REQUESTS, {"description": "xylophone bleu", "commune": DECIZE}, **bearer(api_key)).json()

    assert body["status"] == Status.NEW
    assert body["needs"] == []
    assert body["unmet"] is False


def test_needs_given_as_codes_are_recorded_as_given(client, api_key):
    body = post_json(client, REQUESTS, {**FEET, "needs": ["3d_printing", "embroidery"]}, **bearer(api_key)).json()

    assert sorted(need["code"] for need in body["needs"]) == ["3d_printing", "embroidery"]
    assert all(need["evidence"] == [] for need in body["needs"])
    assert sorted(Request.objects.get().needs.values_list("code", flat=True)) == ["3d_printing", "embroidery"]


def test_contact_details_are_stored_with_consent_and_the_person_is_told(
    client, api_key, django_capture_on_commit_callbacks
):
    contact = {"contact_name": " Camille ", "contact_email": "Camille@Example.org", "contact_phone": "03 86 00 00 00"}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, REQUESTS, {**FEET, **contact, "consent": True}, **bearer(api_key))

    assert response.status_code == 201
    created = Request.objects.get()
    assert (created.contact_name, created.contact_email, created.contact_phone) == (
        "Camille",
        "camille@example.org",
        "03 86 00 00 00",
    )
    assert created.consent is True
    assert "camille@example.org" in [address for message in mail.outbox for address in message.to]


def test_contact_details_without_consent_are_refused(client, api_key):
    response = post_json(client, REQUESTS, {**FEET, "contact_email": "camille@example.org"}, **bearer(api_key))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "consent",
            "message": "Sans l'accord de la personne (consent: true), "
            "ses coordonnées ne peuvent pas être enregistrées.",
        }
    ]
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"contact_email": "pas-une-adresse", "consent": True},
            "contact_email",
            "Cette adresse électronique n'est pas valide.",
        ),
        (
            {"contact_phone": "appelez-moi", "consent": True},
            "contact_phone",
            "Ce numéro de téléphone n'est pas valide. Exemple : 03 86 12 34 56.",
        ),
        ({"consent": "oui"}, "consent", "true ou false est attendu."),
        ({"situations": ["astronaut"]}, "situations", "Code de situation inconnu : astronaut."),
        ({"commune": "99999"}, "commune", "Code INSEE inconnu : 99999."),
    ],
)
def test_bad_values_get_422_and_record_nothing(client, api_key, change, field, message):
    response = post_json(client, REQUESTS, {**FEET, **change}, **bearer(api_key))

    assert response.status_code == 422
    assert {error["field"]: error["message"] for error in response.json()["errors"]} == {field: message}
    assert not Request.objects.exists()


def test_situations_and_accessibility_needs_are_recorded(client, api_key):
    response = post_json(
        client,
        REQUESTS,
        {**FEET, "situations": ["senior"], "accessibility_needs": ["deaf"]},
        **bearer(api_key),
    )

    assert response.status_code == 201
    created = Request.objects.get()
    assert list(created.situations.values_list("code", flat=True)) == ["senior"]
    assert list(created.accessibility_needs.values_list("code", flat=True)) == ["deaf"]


def test_last_use_is_written_at_most_once_a_minute(client, api_key):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        post_json(client, REQUESTS, FEET, **bearer(api_key))
    assert ApiToken.objects.get().last_used_at == start

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        post_json(client, REQUESTS, FEET, **bearer(api_key))
    assert ApiToken.objects.get().last_used_at == start

    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        post_json(client, REQUESTS, FEET, **bearer(api_key))
    assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=61)
