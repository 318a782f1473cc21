"""Readable references (58-2026-00042) and the secret of each private tracking link."""

import hashlib
import re
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models.functions import Length
from django.utils import timezone

from demandes.models import ReferenceCounter, Request
from territory.models import Commune


def next_reference(commune: Commune) -> str:
    """The next reference for the commune's département and the current year; on SQLite, call inside a transaction.

    The counter is only a hint: when the number it gives is already taken (a database restored from an older
    dump, with an older counter, or none), the number follows the highest reference stored, so that no number
    is given twice.
    """
    prefix = f"{commune.departement_code}-{timezone.localdate().year}"
    if connection.vendor == "postgresql":
        return _formatted(prefix, _from_sequence(prefix))
    # SQLite has one writer at a time (IMMEDIATE transactions): a counter row costs no concurrency there.
    with transaction.atomic(savepoint=False):
        counter, created = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix)
        number = counter.last + 1
        # Looking the highest reference up reads every reference of the year (SQLite's LIKE uses no index):
        # only when the counter is new or behind, not on every submission.
        if created or Request.objects.filter(reference=_formatted(prefix, number)).exists():
            number = max(counter.last, highest_number(prefix)) + 1
        counter.last = number
        counter.save(update_fields=["last"])
    return _formatted(prefix, number)


def _formatted(prefix: str, number: int) -> str:
    width = settings.REQUEST_REFERENCE_DIGITS
    return f"{prefix}-{number:0{width}d}"


def _sequence_name(prefix: str) -> str:
    return "demandes_reference_" + re.sub(r"[^a-z0-9]", "_", prefix.lower())


def _from_sequence(prefix: str) -> int:
    """A number from the prefix's PostgreSQL sequence: no row is locked, so that concurrent submissions do not
    wait for each other's transactions (a locked counter row serialised them at about 40 a second).

    The counter row stays the floor that a restore sets (aiguillage/backup.py keeps the replaced database's
    counters): read without a lock, and a sequence found behind it is moved past it.
    """
    name = _sequence_name(prefix)
    quote = connection.ops.quote_name
    counters = quote(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        # to_regclass is NULL for a sequence not created yet (the first submission of the year), and nextval of
        # NULL is NULL: no error that would break the transaction. The floor comes in the same round trip.
        cursor.execute(
            f"SELECT nextval(to_regclass(%s)), (SELECT {quote('last')} FROM {counters} WHERE {quote('prefix')} = %s)",
            [name, prefix],
        )
        number, floor = cursor.fetchone()
        if number is None:
            # A transaction of its own (a savepoint inside a caller's): submissions write without one, and the
            # advisory lock must be held until the sequence is committed, not for its own statement alone.
            with transaction.atomic():
                _create_sequence(cursor, name, prefix)
            cursor.execute("SELECT nextval(%s)", [name])
            number = cursor.fetchone()[0]
            floor = ReferenceCounter.objects.filter(prefix=prefix).values_list("last", flat=True).first()
        if floor is None:
            # The counter row is what a restore keeps (with the highest reference stored): every prefix has one.
            ReferenceCounter.objects.get_or_create(prefix=prefix)
            floor = 0
        if number <= floor:
            cursor.execute("SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM " + name + ")))", [name, floor])
            cursor.execute("SELECT nextval(%s)", [name])
            number = cursor.fetchone()[0]
    return number


def _create_sequence(cursor: CursorWrapper, name: str, prefix: str) -> None:
    # Two first submissions of a year at once: the advisory lock makes the second wait, then find the sequence.
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
    start = max(
        ReferenceCounter.objects.filter(prefix=prefix).values_list("last", flat=True).first() or 0,
        highest_number(prefix),
    )
    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} MINVALUE 0 START {start + 1}")


def highest_number(prefix: str) -> int:
    """The highest number stored under prefix ("58-2026"), 0 if none; longer numbers are higher."""
    last = (
        Request.objects.filter(reference__startswith=f"{prefix}-")
        .annotate(length=Length("reference"))
        .order_by("-length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    if last is None:
        return 0
    suffix = last.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def new_tracking_key() -> tuple[str, str]:
    """A fresh secret for a tracking link and the hash we keep of it (the secret itself is never stored)."""
    key = secrets.token_urlsafe(18)
    return key, hash_key(key)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
