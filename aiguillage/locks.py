"""One run at a time of a scheduled command, across every server: a PostgreSQL advisory lock.

Two servers run the same timers (send_outbox every minute, the daily commands). The first to start a command
takes the lock named after it and does the work; the other finds it taken and stops at once, saying so. The lock
belongs to the database session: it is released when the command ends, or when its process dies. SQLite serves
one machine: a lock file in var/locks/ does the same there.
"""

import fcntl
import functools
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection


def _key(name: str) -> int:
    # A stable signed 64-bit key for pg_try_advisory_lock (Python's hash() changes from one process to another).
    return zlib.crc32(f"aiguillage:{name}".encode())


@contextmanager
def single_run(name: str) -> Iterator[bool]:
    """Yield True when this process holds the lock named name, False when another run holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    directory = Path(settings.BASE_DIR) / "var" / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


BUSY_MESSAGE = "Déjà en cours (sur ce serveur ou un autre) : rien à faire cette fois-ci."


def single_run_command(handle: Callable[..., object]) -> Callable[..., object]:
    """For a management command's handle(): run it only if no other run of the same command holds the lock."""

    @functools.wraps(handle)
    def wrapper(self: BaseCommand, *args: object, **options: object) -> object:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with single_run(name) as acquired:
            if not acquired:
                self.stdout.write(BUSY_MESSAGE)
                return None
            return handle(self, *args, **options)

    return wrapper
