"""Requests spread over a few months, frozen at known instants, with known delays and outcomes."""

import datetime as dt
import zoneinfo

import time_machine

from demandes import transitions
from demandes.models import Audience, Outcome, Request
from directory.models import Place
from tests.accounts.factories import make_coordinator
from tests.demandes.factories import make_request, reason
from tests.factories import make_place

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


def _request(when: dt.datetime, description: str, commune: str, **fields: object) -> Request:
    with time_machine.travel(when, tick=False):
        return make_request(description, commune=commune, **fields).request


def _orient(when: dt.datetime, request: Request, place: Place, actor: object) -> None:
    with time_machine.travel(when, tick=False):
        transitions.orient(request=Request.objects.get(pk=request.pk), actor=actor, places=[place])


def _close(when: dt.datetime, request: Request, outcome: str, actor: object, reason_code: str | None = None) -> None:
    with time_machine.travel(when, tick=False):
        transitions.close(
            request=Request.objects.get(pk=request.pk),
            actor=actor,
            outcome=outcome,
            reason=reason("closure", reason_code) if reason_code else None,
        )


def winter_of_requests() -> dict[str, Request]:
    """January to March 2026, and one request in December 2025 outside that period:

    - A, 10 Jan, Luzy, a 3D print: sent to the Luzy fablab a day later, resolved on 20 Jan (10 days);
    - B, 15 Jan, Decize, a 3D scan: no place has a scanner (unmet), closed without solution on 14 Feb (30 days);
    - C, 3 Feb, Moulins-Engilbert, a professional's 3D print: sent to the fablab three days later, still open;
    - D, 1 Mar, Clamecy, an association's embroidery: no embroidery machine anywhere (unmet), still open;
    - E, 20 Dec 2025, Luzy: before the period.
    """
    coordinator = make_coordinator()
    fablab = make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), email="fablab@luzy.example")
    requests = {
        "A": _request(at(2026, 1, 10), "Je voudrais une impression 3D d'une pièce de vélo", "58149"),
        "B": _request(at(2026, 1, 15), "Il me faut un scanner 3D pour mes chaussures", "58095"),
        "C": _request(at(2026, 2, 3), "Imprimer en 3D des prototypes", "58182", audience=Audience.PROFESSIONAL),
        "D": _request(at(2026, 3, 1), "Broderie de maillots pour le club", "58079", audience=Audience.ASSOCIATION),
        "E": _request(at(2025, 12, 20), "Une impression 3D", "58149"),
    }
    _orient(at(2026, 1, 11), requests["A"], fablab, coordinator)
    _close(at(2026, 1, 20), requests["A"], Outcome.RESOLVED, coordinator, "need_met")
    _close(at(2026, 2, 14), requests["B"], Outcome.NO_SOLUTION, coordinator, "no_place")
    _orient(at(2026, 2, 6), requests["C"], fablab, coordinator)
    return {key: Request.objects.get(pk=value.pk) for key, value in requests.items()}
