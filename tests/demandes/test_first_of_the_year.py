"""The first two submissions of a year at the same moment on PostgreSQL: the year's reference sequence is created
once, and both submissions are recorded (neither answers 500).

Submissions write without an open transaction on PostgreSQL (aiguillage/rows.py): the lock that makes the second
creator wait must last until the first one's sequence is committed, not only for the statement that takes it.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from demandes import references
from demandes.intake import create_request
from demandes.models import Channel, ReferenceCounter, Request
from territory.models import Commune

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the reference sequences are PostgreSQL's")


@pytest.fixture
def luzy(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    return Commune.objects.get(code="58149")


def test_two_first_submissions_of_a_year_at_once_are_both_recorded(luzy, monkeypatch):
    prefix = references.next_reference(luzy).rsplit("-", 1)[0]
    name = references._sequence_name(prefix)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SEQUENCE IF EXISTS {name}")
    ReferenceCounter.objects.filter(prefix=prefix).delete()
    # Both creators are held just before CREATE SEQUENCE until the other arrives: without a lock that lasts, they
    # meet and create it together; with it, the second waits for the first, and the first goes on alone after
    # the barrier's timeout.
    barrier = threading.Barrier(2, timeout=3)
    highest = references.highest_number

    def held(prefix_: str) -> int:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return highest(prefix_)

    monkeypatch.setattr(references, "highest_number", held)
    outcomes: list[str] = []

    def submit(index: int) -> None:
        try:
            create_request(description=f"imprimer une pièce en 3D n° {index}", commune=luzy, channel=Channel.WEB)
            outcomes.append("recorded")
        except Exception as error:  # noqa: BLE001 - the test reports whatever a submission raised
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == ["recorded", "recorded"]
    references_given = list(Request.objects.values_list("reference", flat=True))
    assert len(set(references_given)) == len(references_given) == 2
