"""The database connections: on SQLite writers wait for the lock and the file is in WAL mode, set once; on
PostgreSQL no query is JIT-compiled."""

import sqlite3

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from aiguillage.settings import database_from_url
from aiguillage.sqlite import enable_wal


def test_sqlite_connections_take_the_write_lock_at_begin_and_wait_for_it():
    database = database_from_url("sqlite:////tmp/essai.sqlite3")
    assert database["NAME"] == "/tmp/essai.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    # No PRAGMA run on every new connection: WAL lives on the file.
    assert "init_command" not in database["OPTIONS"]


def test_wal_is_set_once_and_stays_on_the_file(tmp_path, django_db_blocker):
    path = tmp_path / "base.sqlite3"
    sqlite3.connect(path).close()
    wrapper = DatabaseWrapper({**connection.settings_dict, **database_from_url(f"sqlite:///{path}")}, alias="essai")
    with django_db_blocker.unblock():
        assert enable_wal(wrapper) == "wal"
        wrapper.close()
    with sqlite3.connect(path) as fresh:
        assert fresh.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_postgresql_connections_compile_no_query_and_keep_the_url_options():
    database = database_from_url(
        "postgres://agent@db.exemple:5433/aiguillage?sslmode=require&options=-c%20work_mem%3D8MB"
    )
    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["OPTIONS"]["options"] == "-c jit=off -c work_mem=8MB"
    assert database_from_url("postgres://agent@db.exemple/aiguillage")["OPTIONS"] == {"options": "-c jit=off"}


@pytest.mark.django_db
def test_the_postgresql_connection_has_no_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
