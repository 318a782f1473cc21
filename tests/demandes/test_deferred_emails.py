"""A submission writes what to email, not the emails: the outbox builds them, once, and a failure stays seen."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from mailer.models import Message

from aiguillage import outbox
from aiguillage.models import PendingEmail
from tests.accounts.factories import make_coordinator
from tests.demandes.factories import make_request
from tests.factories import make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def built_by_the_command(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    make_coordinator("coordination@example.org")
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    return settings


def test_a_submission_leaves_its_emails_to_the_send_command(built_by_the_command):
    created = make_request(contact_email="habitant@example.org")

    assert PendingEmail.objects.count() == 1
    assert not Message.objects.exists()
    call_command("send_outbox", stdout=io.StringIO())

    assert not PendingEmail.objects.exists()
    assert not Message.objects.exists()
    (receipt,) = [message for message in mail.outbox if message.to == ["habitant@example.org"]]
    (notice,) = [message for message in mail.outbox if message.to == ["coordination@example.org"]]
    assert created.request.reference in receipt.subject + receipt.body
    assert created.tracking_url in receipt.body
    assert created.request.reference in notice.body


def test_emails_are_built_once_however_many_runs(built_by_the_command):
    make_request()
    assert outbox.build_pending() == 1
    assert outbox.build_pending() == 0
    assert Message.objects.count() == 2


def test_a_submission_rolled_back_asks_for_no_email(built_by_the_command):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_request()
        raise RuntimeError("the write failed")
    assert not PendingEmail.objects.exists()


def test_a_builder_that_fails_keeps_its_row_counted_as_unsent(built_by_the_command, monkeypatch):
    make_request()

    def broken(**kwargs: object) -> None:
        raise RuntimeError("template missing")

    monkeypatch.setattr(outbox, "import_string", lambda path: outbox.builds_emails(broken))
    assert outbox.build_pending() == 0

    row = PendingEmail.objects.get()
    assert row.attempts == 1 and "template missing" in row.last_error
    assert not Message.objects.exists()
    backlog = outbox.backlog()
    assert backlog.unsent == 1 and backlog.oldest_unsent == row.created_at
    assert outbox.oldest_unsent_age() is not None

    monkeypatch.undo()
    assert outbox.build_pending() == 1
    assert Message.objects.count() == 2


def test_only_a_marked_function_can_be_deferred(db):
    with pytest.raises(ValueError):
        outbox.later(print, text="x")


def test_a_request_erased_before_its_emails_are_built_is_not_emailed(built_by_the_command):
    created = make_request()
    created.request.delete()
    assert outbox.build_pending() == 1
    assert not Message.objects.exists()


def test_with_sending_on_commit_the_emails_leave_after_the_submission_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = True
    make_coordinator("coordination@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        make_request(contact_email="habitant@example.org")
    assert not PendingEmail.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == ["coordination@example.org", "habitant@example.org"]


def test_a_burst_is_built_batch_after_batch_until_the_run_has_taken_its_time(built_by_the_command, monkeypatch):
    for _ in range(5):
        make_request()
    monkeypatch.setattr(outbox, "BUILD_SECONDS", 0.0)
    assert outbox.build_pending() == 0
    monkeypatch.setattr(outbox, "BUILD_SECONDS", 60.0)
    monkeypatch.setattr(outbox, "BUILD_BATCH", 2)
    assert outbox.build_pending() == 5
    assert not PendingEmail.objects.exists()
    assert Message.objects.count() == 10
