"""The public read API reads from the read replica when one is configured; pages and writes stay on the primary.

Two databases on the local PostgreSQL server: the test database (primary) and a copy of it (replica) in which
one place is renamed. What each URL shows tells which database answered.
"""

import json
import subprocess
import urllib.request

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from territory.models import Commune
from tests.factories import make_place
from tests.server_process import served

pytestmark = [
    pytest.mark.server_process,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a read replica is a PostgreSQL deployment"),
]


def _admin(params: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def replica(transactional_db):
    # A test run before this one may have flushed the database, communes included.
    if not Commune.objects.filter(code="58194").exists():
        call_command("load_territory", verbosity=0)
    params = connection.settings_dict
    name = f"{params['NAME']}_replica"
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    server = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    with _admin(params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name, f"{server}/{name}"
    with _admin(params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy(source: str, target_url: str) -> None:
    dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", source], capture_output=True, check=True)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", target_url], input=dump.stdout, check=True)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - our own test server
        return answer.read().decode()


def test_the_read_api_reads_the_replica_and_the_pages_the_primary(replica, tmp_path):
    name, replica_url = replica
    place = make_place(name="Fablab du primaire", commune="58194")
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    _copy(f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}", replica_url)
    with psycopg.connect(replica_url, autocommit=True) as copy:
        copy.execute("UPDATE directory_place SET name = 'Fablab lu sur la replique' WHERE id = %s", [place.pk])

    with served(tmp_path, DATABASE_REPLICA_URL=replica_url) as base:
        answer = json.loads(_get(f"{base}/api/v1/places/{place.pk}"))
        page = _get(f"{base}{place.get_absolute_url()}")

    assert answer["name"] == "Fablab lu sur la replique"
    assert "Fablab du primaire" in page and "replique" not in page
