"""Backups that restore: a dump restored into a fresh database holds the same rows; no reference is given twice."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from aiguillage.backup import prune
from demandes.models import Request
from territory.models import Commune
from tests.demandes.factories import make_request
from tests.factories import make_place


@pytest.fixture
def requests_(transactional_db):
    # Committed rows, for pg_dump and for the restoring process; the database is flushed afterwards.
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    return [make_request(f"Imprimer une pièce en 3D n° {index}").request for index in range(3)]


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def _fresh_database(tmp_path: Path) -> tuple[str, object]:
    """A database URL for an empty database, and a function that opens a DB-API connection to it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "neuve.sqlite3"
        return f"sqlite:///{path}", lambda: sqlite3.connect(path)
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restauree"
    conninfo = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    url = f"postgres://{auth}@{conninfo['host']}:{conninfo['port']}/{name}"
    return url, lambda: psycopg.connect(dbname=name, **conninfo)


def _drop(url: str) -> None:
    if connection.vendor != "postgresql":
        return
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        autocommit=True,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


@pytest.mark.server_process
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_no_reference_twice(requests_, tmp_path):
    output = io.StringIO()
    call_command("backup", str(tmp_path), stdout=output)
    (dump,) = [path for path in tmp_path.iterdir() if path.name.startswith("aiguillage-")]
    assert "Sauvegarde écrite" in output.getvalue()
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        expected = _counts(cursor, tables)
    assert expected["demandes_request"] == 3 and expected["territory_commune"] > 30000

    url, connect = _fresh_database(tmp_path)
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(dump), "--oui"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        fresh = connect()
        try:
            restored = _counts(fresh.cursor(), tables)
            references = sorted(row[0] for row in fresh.cursor().execute("SELECT reference FROM demandes_request"))
        finally:
            fresh.close()
    finally:
        _drop(url)
    assert restored == expected
    assert references == sorted(request.reference for request in requests_)

    # The same dump, now older than the database: restoring it must not give again the numbers given since.
    given_after = [make_request(f"Demande après la sauvegarde n° {index}").request.reference for index in range(2)]
    call_command("restore", str(dump), "--oui", stdout=io.StringIO())
    assert Request.objects.count() == 3
    new = make_request("Demande après la restauration").request.reference
    assert new not in given_after
    assert int(new.rsplit("-", 1)[1]) == int(given_after[-1].rsplit("-", 1)[1]) + 1


def test_the_next_number_follows_the_rows_even_when_the_counter_is_behind(db):
    from demandes.models import ReferenceCounter

    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    requests_ = [make_request().request for _ in range(3)]
    highest = max(int(request.reference.rsplit("-", 1)[1]) for request in requests_)
    ReferenceCounter.objects.update(last=0)
    assert int(make_request().request.reference.rsplit("-", 1)[1]) == highest + 1


def test_old_backups_are_pruned(tmp_path):
    for stamp in ("20260101-020000", "20260102-020000", "20260103-020000"):
        (tmp_path / f"aiguillage-{stamp}.dump").write_bytes(b"x")
    (tmp_path / "autre.txt").write_text("à garder")
    deleted = prune(tmp_path, keep=2)
    assert [path.name for path in deleted] == ["aiguillage-20260101-020000.dump"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "aiguillage-20260102-020000.dump",
        "aiguillage-20260103-020000.dump",
        "autre.txt",
    ]


def test_restore_refuses_a_missing_file(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("restore", str(tmp_path / "absent.dump"), "--oui")
