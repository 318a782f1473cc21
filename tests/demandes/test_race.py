"""Two coordinators act on the same request at the same moment: neither loses the other's work."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from demandes import transitions
from demandes.models import Orientation, Request
from territory.models import Commune
from tests.accounts.factories import make_coordinator
from tests.demandes.factories import make_request
from tests.factories import make_place

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises every write anyway"
)


@pytest.fixture
def setup(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    first = make_coordinator("premier@example.org")
    second = make_coordinator("second@example.org")
    luzy = make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), email="f@luzy.example")
    nevers = make_place(name="Atelier de Nevers", commune="58194", equipment=("3d_printer",), phone="03 86 00 00 01")
    request_ = make_request().request
    return request_, (first, luzy), (second, nevers)


def test_two_coordinators_orienting_at_once_cannot_overwrite_each_other(setup):
    request_, *actors = setup
    seen = request_.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(coordinator, place) -> None:
        try:
            barrier.wait(timeout=10)
            transitions.orient(request=request_, actor=coordinator, places=[place], expected_version=seen)
            outcomes.append("ok")
        except transitions.StaleRequest:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=actor) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "stale"]
    assert Orientation.objects.count() == 1
    assert Request.objects.get().version == seen + 1
