"""The mail server is down: every public request is still taken in, confirmed in French, and its emails wait.

Before: with EMAIL_HOST at a closed port, POST /demande/ answered "Server Error (500)" in English although the
request was saved; the person had no reference and no tracking link.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from mailer.models import Message

from demandes.models import Request
from tests.accounts.factories import make_coordinator
from tests.factories import make_place
from tests.smtp import free_port, smtp_server

SUBMISSIONS = 50


@pytest.fixture
def mail_server_down(settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    # Even when the app tries to send at once, a failure only defers the message.
    settings.OUTBOX_SEND_ON_COMMIT = True
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    settings.REQUEST_THROTTLE_PER_IP = 1000
    settings.REQUEST_THROTTLE_PER_SESSION = 1000
    return settings


def test_fifty_requests_with_the_mail_server_down_are_confirmed_then_delivered(
    client, db, mail_server_down, django_capture_on_commit_callbacks
):
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    make_coordinator("coordination@example.org")
    references = []
    for index in range(SUBMISSIONS):
        data = {
            "description": f"Je voudrais imprimer une pièce en 3D (n° {index})",
            "commune": "Luzy",
            "audience": "individual",
            "contact_email": f"habitant{index}@example.org",
            "consent": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("demandes:new"), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Votre demande est enregistrée" in page
        reference = re.search(r"<strong>(\d{2}-\d{4}-\d+)</strong>", page).group(1)
        assert reverse("demandes:track", kwargs={"reference": reference, "key": "x"}).rsplit("/x/", 1)[0] in page
        references.append(reference)

    assert len(set(references)) == SUBMISSIONS
    assert set(Request.objects.values_list("reference", flat=True)) == set(references)
    to_requesters = [row for row in Message.objects.all() if row.email.to[0].startswith("habitant")]
    assert len(to_requesters) == SUBMISSIONS
    queued = Message.objects.count()
    assert queued == 2 * SUBMISSIONS  # the requester's receipt and the coordinators' notice, for each request

    # Still down: the send command fails, keeps every message and says so.
    call_command("send_outbox", stdout=io.StringIO())
    assert Message.objects.count() == queued

    # The server is back.
    with smtp_server(mail_server_down.EMAIL_PORT) as inbox:
        call_command("send_outbox", stdout=io.StringIO())
    assert Message.objects.count() == 0
    received = [message for message in inbox.messages if message["To"].startswith("habitant")]
    assert len(received) == SUBMISSIONS
    assert len(inbox.messages) == queued
    bodies = "".join(
        part.get_payload(decode=True).decode()
        for m in received
        for part in m.walk()
        if part.get_content_type() == "text/plain"
    )
    assert all(reference in bodies for reference in references)
