"""The persistent outbox: every email is a row first, and leaves when `send_outbox` runs.

django-mailer keeps the queue (`mailer.Message`) and the delivery log (`mailer.MessageLog`);
this module adds what it lacks: a Message-ID set at queue time (so that the attempts of one
message can be counted), retries with a growing delay, and the figures that coordinators and
`/sante/` read.

A busy path (a submission) need not build its emails at all: `later` writes what to build
(`PendingEmail`, a function and its arguments) in the caller's transaction, and `build_pending`,
run by `send_outbox` before it sends, builds and queues the messages.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from mailer import engine
from mailer.models import PRIORITY_DEFERRED, PRIORITY_MEDIUM, RESULT_FAILURE, RESULT_SUCCESS, Message, MessageLog

from aiguillage.models import PendingEmail

logger = logging.getLogger(__name__)
# build_pending reads the pending rows this many at a time, and stops after BUILD_SECONDS so that sending starts:
# a burst of submissions is worked off over a few runs of send_outbox.
BUILD_BATCH = 500
BUILD_SECONDS = 40.0


class OutboxBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: queue the messages in the current transaction, send nothing."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        for email in email_messages:
            if not email.recipients():
                continue
            email.extra_headers.setdefault("Message-ID", make_msgid(domain=_domain()))
            rows.append(Message(email=email, priority=PRIORITY_MEDIUM))
        Message.objects.bulk_create(rows)
        if rows and settings.OUTBOX_SEND_ON_COMMIT:
            message_ids = [_message_id(row) for row in rows]
            transaction.on_commit(lambda: send_queued(message_ids=message_ids))
        return len(rows)


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"


def _message_id(row: Message) -> str:
    return row.email.extra_headers["Message-ID"]


def send_queued(*, message_ids: Sequence[str] | None = None) -> None:
    """Deliver what is due; failures are deferred and logged, never raised."""
    queryset = None
    if message_ids is not None:
        wanted = set(message_ids)
        ids = [row.pk for row in Message.objects.non_deferred() if _message_id(row) in wanted]
        if not ids:
            return
        queryset = Message.objects.filter(pk__in=ids)
    engine.send_all(queryset)


def builds_emails(function: Callable[..., None]) -> Callable[..., None]:
    """Mark a function that `later` may defer: it takes JSON values as keyword arguments and queues emails."""
    function.builds_emails = True  # type: ignore[attr-defined]
    return function


def later(builder: Callable[..., None], **payload: Any) -> None:
    """Have builder(**payload) build and queue its emails outside the web request, in the current transaction.

    The row commits or rolls back with the caller's writes; `send_outbox` builds it within a minute (at once
    when OUTBOX_SEND_ON_COMMIT is set, as in tests and demonstrations).
    """
    row = pending(builder, **payload)
    row.save()
    written(row)


def pending(builder: Callable[..., None], **payload: Any) -> PendingEmail:
    """The row `later` writes, not saved: for a caller that writes it with its own rows (aiguillage.rows), and
    then calls `written`."""
    if not getattr(builder, "builds_emails", False):
        raise ValueError(f"{builder!r} is not marked with outbox.builds_emails")
    return PendingEmail(builder=f"{builder.__module__}.{builder.__qualname__}", payload=payload)


def written(row: PendingEmail) -> None:
    """A pending row has been written: built once its transaction commits, when OUTBOX_SEND_ON_COMMIT is set."""
    if settings.OUTBOX_SEND_ON_COMMIT:
        transaction.on_commit(lambda: build_pending(pks=[row.pk]))


def build_pending(*, pks: Sequence[int] | None = None) -> int:
    """Build the pending emails (oldest first), each in one transaction with its row's deletion; return how many.

    A builder that fails keeps its row, counted and with its error, for the next run: /sante/ reports it as
    unsent, so that it is seen.
    """
    rows = PendingEmail.objects.order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    built, after = 0, 0
    skip_locked = connection.features.has_select_for_update_skip_locked
    deadline = time.monotonic() + BUILD_SECONDS
    while time.monotonic() < deadline:
        batch = list(rows.filter(pk__gt=after).values_list("pk", flat=True)[:BUILD_BATCH])
        if not batch:
            break
        after = batch[-1]
        built += sum(_build_one(pk, skip_locked=skip_locked) for pk in batch)
    return built


def _build_one(pk: int, *, skip_locked: bool) -> bool:
    try:
        with transaction.atomic():
            # Another run (an on-commit build, a second server) may hold it: that run builds it.
            row = PendingEmail.objects.select_for_update(skip_locked=skip_locked).filter(pk=pk).first()
            if row is None:
                return False
            builder = import_string(row.builder)
            if not getattr(builder, "builds_emails", False):
                raise ValueError(f"{row.builder} is not marked with outbox.builds_emails")
            builder(**row.payload)
            row.delete()
        return True
    except Exception as error:
        logger.exception("Pending email %s could not be built", pk)
        PendingEmail.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=repr(error)[:2000])
        return False


def retry_delay(attempts: int) -> timedelta:
    """1 min, 4 min, 16 min, ~1 h, ~4 h… after the first, second, third failed attempt."""
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 4 ** max(attempts - 1, 0))


def _failures_by_message_id() -> dict[str, tuple[int, datetime]]:
    rows = (
        MessageLog.objects.filter(result=RESULT_FAILURE)
        .values("message_id")
        .annotate(attempts=Count("id"), last=Max("when_attempted"))
    )
    return {row["message_id"]: (row["attempts"], row["last"]) for row in rows}


def requeue_due(*, now: datetime | None = None) -> int:
    """Put back in the queue the deferred messages whose delay has passed and that may still be tried."""
    now = now or timezone.now()
    failures = _failures_by_message_id()
    due = []
    for row in Message.objects.deferred():
        attempts, last = failures.get(_message_id(row), (0, row.when_added))
        if attempts < settings.OUTBOX_MAX_ATTEMPTS and last + retry_delay(attempts) <= now:
            due.append(row.pk)
    return Message.objects.filter(pk__in=due).update(priority=PRIORITY_MEDIUM)


def purge_log(*, now: datetime | None = None) -> int:
    limit = (now or timezone.now()) - timedelta(days=settings.OUTBOX_LOG_RETENTION_DAYS)
    deleted, _ = MessageLog.objects.filter(when_attempted__lt=limit).delete()
    return deleted


@dataclass(frozen=True)
class QueuedEmail:
    pk: int
    subject: str
    to: list[str]
    queued_at: datetime
    attempts: int
    last_error: str
    given_up: bool
    next_attempt: datetime | None


def undelivered() -> list[QueuedEmail]:
    """Messages waiting or failed, oldest first, with their attempts and last error."""
    logs: dict[str, MessageLog] = {}
    counts: dict[str, int] = {}
    for log in MessageLog.objects.filter(result=RESULT_FAILURE).order_by("when_attempted"):
        logs[log.message_id] = log
        counts[log.message_id] = counts.get(log.message_id, 0) + 1
    emails = []
    for row in Message.objects.order_by("when_added"):
        email = row.email
        message_id = email.extra_headers.get("Message-ID", "") if email else ""
        attempts = counts.get(message_id, 0)
        last = logs.get(message_id)
        given_up = row.priority == PRIORITY_DEFERRED and attempts >= settings.OUTBOX_MAX_ATTEMPTS
        next_attempt = None
        if row.priority == PRIORITY_DEFERRED and not given_up and last is not None:
            next_attempt = last.when_attempted + retry_delay(attempts)
        emails.append(
            QueuedEmail(
                pk=row.pk,
                subject=email.subject if email else "",
                to=list(email.to) if email else [],
                queued_at=row.when_added,
                attempts=attempts,
                last_error=last.log_message if last else "",
                given_up=given_up,
                next_attempt=next_attempt,
            )
        )
    return emails


def retry_now(*, pk: int) -> bool:
    return Message.objects.filter(pk=pk, priority=PRIORITY_DEFERRED).update(priority=PRIORITY_MEDIUM) == 1


def oldest_unsent_age(*, now: datetime | None = None) -> timedelta | None:
    queued = Message.objects.order_by("when_added").values_list("when_added", flat=True).first()
    pending = PendingEmail.objects.order_by("created_at").values_list("created_at", flat=True).first()
    oldest = min((when for when in (queued, pending) if when is not None), default=None)
    return None if oldest is None else (now or timezone.now()) - oldest


def delivered_count(*, since: datetime) -> int:
    return MessageLog.objects.filter(result=RESULT_SUCCESS, when_attempted__gte=since).count()


@dataclass(frozen=True)
class Backlog:
    unsent: int
    given_up: int
    oldest_unsent: datetime | None


def backlog() -> Backlog:
    """What /sante/ reports, without reading the messages themselves: a count and a minimum over the queue, and
    only the deferred messages (those that failed: few) opened to count their attempts. Decoding every queued
    message made the health check slower as the queue grew, under load exactly when it is asked most."""
    waiting = Message.objects.exclude(priority=PRIORITY_DEFERRED).aggregate(count=Count("id"), oldest=Min("when_added"))
    unsent, oldest = waiting["count"], waiting["oldest"]
    # Emails not built yet are unsent too (each row stands for one or more messages).
    pending = PendingEmail.objects.aggregate(count=Count("id"), oldest=Min("created_at"))
    unsent += pending["count"]
    if pending["oldest"] is not None:
        oldest = pending["oldest"] if oldest is None else min(oldest, pending["oldest"])
    given_up = 0
    failures = _failures_by_message_id()
    for row in Message.objects.deferred().only("message_data", "when_added"):
        attempts = failures.get(_message_id(row), (0, None))[0] if row.email else 0
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            given_up += 1
            continue
        unsent += 1
        oldest = row.when_added if oldest is None else min(oldest, row.when_added)
    return Backlog(unsent=unsent, given_up=given_up, oldest_unsent=oldest)
