"""/sante/ reports the database, the cache and the outbox, and answers 503 when one fails."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aiguillage.mail import send_after_commit

pytestmark = pytest.mark.django_db

CONTEXT = {"place": {"name": "Fablab de Luzy"}, "report": {"response": ""}, "url": "http://127.0.0.1:8000/lieux/1/"}


@pytest.fixture
def queued(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    send_after_commit(to=["personne@example.org"], template="directory/email/report_applied", context=CONTEXT)


def test_an_email_waiting_long_is_an_outbox_failure(client, queued, settings):
    settings.HEALTH_OUTBOX_MAX_AGE_SECONDS = 600
    body = client.get(reverse("health")).json()
    assert body["outbox"]["ok"] is True and body["outbox"]["unsent"] == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["outbox"]["oldest_unsent_age_seconds"] >= 600
    assert response.json()["database"]["ok"] and response.json()["cache"]["ok"]
