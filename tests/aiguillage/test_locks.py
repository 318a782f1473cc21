"""A scheduled command runs once at a time across servers: the second run finds the lock taken and does nothing."""

import fcntl
import io
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from aiguillage.locks import BUSY_MESSAGE, _key, single_run


def _hold_elsewhere(name: str):  # noqa: ANN202 - a connection or an open file, closed by the caller
    """Take the lock as another server would: another database session, or another open lock file."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        other = psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            user=params["USER"],
            password=params["PASSWORD"] or None,
            dbname=params["NAME"],
            autocommit=True,
        )
        other.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
        return other
    directory = Path(settings.BASE_DIR) / "var" / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    handle = open(directory / f"{name}.lock", "w")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def _release(holder) -> None:  # noqa: ANN001
    # Unlocked before closing: a closed session's locks go only when its server process has ended.
    if connection.vendor == "postgresql":
        holder.execute("SELECT pg_advisory_unlock_all()")
    holder.close()


@pytest.mark.django_db
def test_a_command_whose_lock_another_server_holds_says_so_and_does_nothing(monkeypatch):
    called = []
    monkeypatch.setattr("directory.management.commands.remind_stale_places.send_reminders", lambda: called.append(1))
    holder = _hold_elsewhere("remind_stale_places")
    try:
        output = io.StringIO()
        call_command("remind_stale_places", stdout=output)
    finally:
        _release(holder)
    assert BUSY_MESSAGE in output.getvalue()
    assert called == []


@pytest.mark.django_db
def test_the_lock_is_free_again_once_the_run_is_over():
    with single_run("essai") as first:
        assert first
        with single_run("essai") as second:
            # PostgreSQL's advisory locks are re-entrant within one session; a file lock is not.
            assert second is (connection.vendor == "postgresql")
    _release(_hold_elsewhere("essai"))
    with single_run("essai") as again:
        assert again


@pytest.mark.django_db
def test_a_command_with_its_lock_free_does_its_work():
    output = io.StringIO()
    call_command("follow_orientations", stdout=output)
    assert BUSY_MESSAGE not in output.getvalue()
    assert "relance" in output.getvalue()
