"""Small factories for tests: real rows, sensible defaults, anything overridable."""

import itertools

from directory.models import Equipment, ItinerantStop, Place, Term
from territory.models import Commune

_counter = itertools.count(1)


def term(vocabulary: str, code: str) -> Term:
    return Term.objects.get(vocabulary=vocabulary, code=code)


def make_place(
    *,
    commune: str = "58194",
    equipment: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    typologies: tuple[str, ...] = (),
    audiences: tuple[str, ...] = (),
    accessibility: tuple[str, ...] = (),
    accessibility_no: tuple[str, ...] = (),
    stops: tuple[str, ...] = (),
    **fields: object,
) -> Place:
    where = Commune.objects.get(code=commune)
    fields.setdefault("name", f"Lieu {next(_counter)}")
    fields.setdefault("latitude", where.latitude)
    fields.setdefault("longitude", where.longitude)
    fields.setdefault("postcode", where.postcode_list[0] if where.postcode_list else "")
    place = Place.objects.create(commune=where, **fields)
    for code in equipment:
        Equipment.objects.create(place=place, kind=term("equipment", code))
    place.services.set([term("service", code) for code in services])
    place.typologies.set([term("typology", code) for code in typologies])
    place.audiences.set([term("audience", code) for code in audiences])
    place.accessibility.set([term("accessibility", code) for code in accessibility])
    place.accessibility_no.set([term("accessibility", code) for code in accessibility_no])
    for position, code in enumerate(stops):
        ItinerantStop.objects.create(place=place, commune=Commune.objects.get(code=code), position=position)
    return place
