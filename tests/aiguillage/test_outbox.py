import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from mailer.models import Message, MessageLog

from aiguillage import outbox
from aiguillage.mail import send_after_commit
from tests.accounts.factories import make_coordinator, make_user
from tests.smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db


def queue_one(address: str = "personne@example.org") -> None:
    send_after_commit(to=[address], template="directory/email/report_applied", context=REPORT_CONTEXT)


REPORT_CONTEXT = {
    "place": {"name": "Fablab de Luzy"},
    "report": {"response": ""},
    "url": "http://127.0.0.1:8000/lieux/1/",
}


@pytest.fixture
def smtp_settings(settings):
    """Deliver through real SMTP to a port on loopback, and only when the send command runs."""
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_a_message_is_a_row_of_the_transaction_that_queued_it(smtp_settings):
    with transaction.atomic():
        queue_one()
        assert Message.objects.count() == 1
    assert Message.objects.count() == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_one("autre@example.org")
        raise RuntimeError("the write failed")
    assert Message.objects.count() == 1


def test_the_send_command_delivers_through_smtp_and_empties_the_queue(smtp_settings):
    queue_one()
    with smtp_server(smtp_settings.EMAIL_PORT) as inbox:
        call_command("send_outbox", stdout=io.StringIO())
    assert Message.objects.count() == 0
    assert len(inbox.messages) == 1
    delivered = inbox.messages[0]
    assert delivered["To"] == "personne@example.org"
    assert delivered["Message-ID"]
    assert delivered.is_multipart()


def test_a_mail_server_down_defers_and_retries_later_with_growing_delays(smtp_settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        queue_one()
        call_command("send_outbox", stdout=io.StringIO())  # nothing listens on the port
    [waiting] = outbox.undelivered()
    assert waiting.attempts == 1
    assert waiting.last_error
    assert waiting.next_attempt == start + timedelta(seconds=60)

    # Not due yet: the command leaves it deferred and does not try.
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert outbox.requeue_due() == 0
    # Due, but the server is still down: a second failure, next delay four times longer.
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        call_command("send_outbox", stdout=io.StringIO())
    [waiting] = outbox.undelivered()
    assert waiting.attempts == 2
    assert waiting.next_attempt - waiting.queued_at >= timedelta(seconds=61 + 240)

    with time_machine.travel(start + timedelta(hours=1), tick=False):
        with smtp_server(smtp_settings.EMAIL_PORT) as inbox:
            call_command("send_outbox", stdout=io.StringIO())
    assert len(inbox.messages) == 1
    assert outbox.undelivered() == []


def test_after_the_last_attempt_a_message_waits_for_a_coordinator(smtp_settings):
    smtp_settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_settings.OUTBOX_RETRY_BASE_SECONDS = 1
    start = timezone.now()
    queue_one()
    for minutes in range(5):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            call_command("send_outbox", stdout=io.StringIO())
    [waiting] = outbox.undelivered()
    assert waiting.attempts == 2
    assert waiting.given_up
    assert waiting.next_attempt is None

    assert outbox.retry_now(pk=waiting.pk)
    with smtp_server(smtp_settings.EMAIL_PORT) as inbox:
        call_command("send_outbox", stdout=io.StringIO())
    assert len(inbox.messages) == 1


def test_the_log_keeps_no_message_body_and_is_purged(smtp_settings):
    queue_one()
    with smtp_server(smtp_settings.EMAIL_PORT):
        call_command("send_outbox", stdout=io.StringIO())
    [log] = MessageLog.objects.all()
    assert log.message_data is None
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert outbox.purge_log() == 1


def test_in_tests_and_demos_mail_leaves_on_commit(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        queue_one()
    assert len(mail.outbox) == 1
    assert Message.objects.count() == 0


def test_the_oldest_unsent_email_has_an_age(smtp_settings):
    assert outbox.oldest_unsent_age() is None
    queue_one()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert outbox.oldest_unsent_age() >= timedelta(minutes=10)


def test_coordinators_see_failed_emails_and_can_send_them_again(client, smtp_settings):
    queue_one()
    call_command("send_outbox", stdout=io.StringIO())
    client.force_login(make_coordinator())
    response = client.get(reverse("outbox"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "En échec (1)" in page
    assert "personne@example.org" in page
    [waiting] = outbox.undelivered()

    response = client.post(reverse("outbox_retry", args=[waiting.pk]), follow=True)
    assert "sera renvoyé" in response.content.decode()
    assert client.post(reverse("outbox_retry", args=[waiting.pk]), follow=True).status_code == 200
    assert Message.objects.non_deferred().count() == 1


def test_the_outbox_page_is_for_coordinators_only(client):
    assert client.get(reverse("outbox")).status_code == 302
    client.force_login(make_user(email="quelqu.un@example.org"))
    assert client.get(reverse("outbox")).status_code == 403
    assert client.post(reverse("outbox_retry", args=[1])).status_code == 403
    client.force_login(make_coordinator())
    assert client.post(reverse("outbox")).status_code == 405
