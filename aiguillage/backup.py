"""Backups that restore: PostgreSQL through pg_dump / pg_restore, SQLite through its online backup API.

A restore keeps the reference counters of the database it replaces when they are higher, so that numbers
given out after the dump was taken are never given again (see demandes/references.py).
"""

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections
from django.utils import timezone

SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """Why a backup or a restore could not be made, in French."""


def _pg_env() -> dict[str, str]:
    params = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[name] = str(params[key])
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()[:2000]}")


def backup_file_name(now: dt.datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return f"aiguillage-{stamp}{SUFFIX[connection.vendor]}"


def backup(destination: Path) -> Path:
    """Write a consistent copy of the whole database to destination (a file, or a folder for a dated name)."""
    if connection.vendor not in SUFFIX:
        raise BackupError(f"Base {connection.vendor} non prise en charge.")
    if destination.is_dir():
        destination = destination / backup_file_name()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partiel")
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", _pg_name()])
    else:
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    partial.replace(destination)
    return destination


def _pg_name() -> str:
    return str(connection.settings_dict["NAME"])


def _counters() -> dict[str, int]:
    """The reference counters in force, taken as the highest of the counter and the stored references."""
    from demandes.models import ReferenceCounter
    from demandes.references import highest_number

    try:
        counters = {row.prefix: row.last for row in ReferenceCounter.objects.all()}
        for prefix in list(counters):
            counters[prefix] = max(counters[prefix], highest_number(prefix))
    except Exception:  # noqa: BLE001 - an empty or broken database has nothing to keep
        return {}
    return counters


def restore(source: Path) -> dict[str, int]:
    """Replace the database's content with the backup's; return the counters kept from the replaced one."""
    if not source.is_file():
        raise BackupError(f"Fichier introuvable : {source}")
    kept = _counters()
    connections.close_all()
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                f"--dbname={_pg_name()}",
                str(source),
            ]
        )
    elif connection.vendor == "sqlite":
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        raise BackupError(f"Base {connection.vendor} non prise en charge.")
    _keep_counters(kept)
    return kept


def _keep_counters(kept: dict[str, int]) -> None:
    from demandes.models import ReferenceCounter

    for prefix, last in kept.items():
        counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete the oldest backups of folder beyond the `keep` most recent; return what was deleted."""
    files = sorted(
        (path for path in folder.glob("aiguillage-*") if path.suffix in SUFFIX.values()),
        key=lambda path: path.name,
        reverse=True,
    )
    deleted = files[keep:] if keep > 0 else []
    for path in deleted:
        path.unlink()
    return deleted
