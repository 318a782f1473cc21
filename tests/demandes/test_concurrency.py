"""Concurrent submissions against a real server: none fails, none is lost, no reference is given twice.

Before: on SQLite, 4 clients for 20 s got 1,102 "database is locked" errors out of ~1,850 submissions
(deferred transactions cannot wait for the write lock). IMMEDIATE transactions with a busy timeout, and
WAL on the file, let writers queue instead.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import ApiToken, Organisation, OrganisationKind
from demandes.models import Request
from territory.models import Commune
from tests.factories import make_place
from tests.server_process import served

pytestmark = pytest.mark.server_process

CLIENTS = 4
PER_CLIENT = 25


@pytest.fixture
def token(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    organisation = Organisation.objects.create(name="Chambre", kind=OrganisationKind.CHAMBER)
    _, key = ApiToken.issue(organisation=organisation, name="Outil")
    return key


def _post(base: str, key: str, index: int) -> int:
    body = json.dumps({"description": f"imprimer une pièce en 3D n° {index}", "commune": "58149"}).encode()
    request = urllib.request.Request(
        base + "/api/v1/requests",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_concurrent_api_submissions_all_succeed(token, tmp_path):
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with served(tmp_path, API_REQUESTS_THROTTLE_PER_TOKEN="100000") as base:
        barrier = threading.Barrier(CLIENTS)

        def client(number: int) -> None:
            barrier.wait(timeout=30)
            for index in range(PER_CLIENT):
                status = _post(base, token, number * 1000 + index)
                with lock:
                    statuses[status] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.monotonic() - started
        references = _references(tmp_path)
    assert statuses == {201: CLIENTS * PER_CLIENT}, (statuses, (tmp_path / "server.log").read_text()[-3000:])
    assert len(references) == CLIENTS * PER_CLIENT == len(set(references))
    print(f"{CLIENTS * PER_CLIENT} submissions by {CLIENTS} clients in {elapsed:.1f} s")


def _references(tmp_path) -> list[str]:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(tmp_path / "copie.sqlite3") as copy:
            return [row[0] for row in copy.execute("SELECT reference FROM demandes_request")]
    return list(Request.objects.values_list("reference", flat=True))
