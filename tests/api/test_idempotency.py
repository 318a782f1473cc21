"""POST /api/v1/requests with Idempotency-Key: a retry gets the first answer, never a second request."""

import threading
import uuid
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import connection

from api import idempotency
from demandes.models import IdempotentSubmission, Request
from tests.api.conftest import REQUESTS, bearer, post_json

DECIZE = "58095"
FEET = {
    "description": "scanner les pieds de mes clients en 3D",
    "commune": DECIZE,
    "audience": "professional",
    "contact_email": "cordonnerie@example.org",
    "consent": True,
}


def _send(client, api_key, body=FEET, key=None):  # noqa: ANN001, ANN202
    headers = bearer(api_key)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return post_json(client, REQUESTS, body, **headers)


@pytest.mark.django_db
def test_sending_the_same_request_again_with_its_key_gives_the_first_answer(
    client, api_key, django_capture_on_commit_callbacks
):
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(client, api_key, key=key)
    sent = len(mail.outbox)
    assert sent >= 1  # at least the person's acknowledgement
    with django_capture_on_commit_callbacks(execute=True):
        again = _send(client, api_key, key=key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Request.objects.count() == 1
    assert len(mail.outbox) == sent  # nobody is told twice
    # The link given back still opens the person's page.
    assert client.get(urlsplit(again.json()["tracking_url"]).path).status_code == 200


@pytest.mark.django_db
def test_without_a_key_each_sending_is_a_new_request(client, api_key):
    _send(client, api_key)
    _send(client, api_key)
    assert Request.objects.count() == 2


@pytest.mark.django_db
def test_a_key_used_for_another_body_is_a_conflict_and_records_nothing(client, api_key):
    key = str(uuid.uuid4())
    _send(client, api_key, key=key)
    response = _send(client, api_key, body={**FEET, "description": "broder 300 t-shirts"}, key=key)
    assert response.status_code == 409
    assert response.json() == {"detail": idempotency.OTHER_BODY, "errors": []}
    assert Request.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_from_another_organisation_is_another_request(client, api_key, organisation):
    from accounts.models import ApiToken, Organisation, OrganisationKind

    other = Organisation.objects.create(name="Mission locale", kind=OrganisationKind.CHAMBER, siret="13000000000021")
    _, other_key = ApiToken.issue(organisation=other, name="Outil")
    _send(client, api_key, key="commande-42")
    _send(client, other_key, key="commande-42")
    assert Request.objects.count() == 2


@pytest.mark.django_db
def test_a_key_is_remembered_for_24_hours(client, api_key):
    with time_machine.travel("2026-11-02 10:00 +01:00", tick=False):
        _send(client, api_key, key="k-1")
    with time_machine.travel("2026-11-03 09:59 +01:00", tick=False):
        assert _send(client, api_key, key="k-1")["Idempotent-Replayed"] == "true"
    with time_machine.travel("2026-11-03 10:01 +01:00", tick=False):
        later = _send(client, api_key, key="k-1")
    assert "Idempotent-Replayed" not in later
    assert Request.objects.count() == 2
    assert IdempotentSubmission.objects.count() == 1  # the expired one is forgotten


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "avec espace", "é" * 3, "x" * 256])
def test_a_key_that_cannot_be_one_is_refused_in_french(client, api_key, key):
    response = _send(client, api_key, key=key)
    assert response.status_code == 400
    assert response.json()["detail"] == idempotency.BAD_KEY
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_the_stored_link_key_opens_only_with_the_token_secret(client, api_key):
    body = _send(client, api_key, key="k-2").json()
    stored = IdempotentSubmission.objects.get()
    tracking_key = urlsplit(body["tracking_url"]).path.rstrip("/").rsplit("/", 1)[-1]
    assert tracking_key not in stored.sealed_tracking_key
    assert tracking_key not in str(stored.answer)
    assert idempotency.unseal(stored.sealed_tracking_key, secret=api_key, key="k-2") == tracking_key
    assert idempotency.unseal(stored.sealed_tracking_key, secret=api_key + "x", key="k-2") != tracking_key


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_records_one_request(api_key):
    from django.core.management import call_command
    from django.test import Client

    from territory.models import Commune

    # A transactional test run before this one (tests/demandes/test_race.py) leaves the database flushed.
    if not Commune.objects.exists():
        call_command("load_territory", verbosity=0)

    barrier = threading.Barrier(2)
    answers: list = []

    def send() -> None:
        barrier.wait()
        try:
            answers.append(_send(Client(), api_key, key="k-race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [201, 201]
    assert answers[0].json()["reference"] == answers[1].json()["reference"]
    assert Request.objects.count() == 1
