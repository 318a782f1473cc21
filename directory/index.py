"""What searches and routing read first, derived from the places and kept in step with them.

Two things per place:

- ``Place.profile``: the codes a result card and the routing engine need (typologies, services,
  audiences, accessibility said yes and said no, machines with their confirmation, itinerant stops), as compact JSON in
  one column, so that neither has to load six relations for hundreds of candidates;
- ``PlacePoint`` rows: each point where a public place can be met (its own, and each stop of an
  itinerant unit), once for the place itself and once per need term it answers (typology, service,
  machine). A search for a need near a commune then reads one index range per longitude band.

A place gets the services its types and labels make likely that its record does not list
(``LikelyService``, a table coordinators edit): in its profile apart from the stated ones ("ls", with
the reasons in "lr"), and as points flagged ``likely``, so that searches and routing offer it after the
places that state the service.

Every write path keeps them in step: signals on the place, its relations, its machines and its stops;
bulk writers (imports, the benchmark's loader) call ``refresh`` or ``rebuild`` themselves, and
``deferred()`` gathers the refreshes of a long operation into one at its end.
"""

import json
import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal

from aiguillage.lib.geo import BoundingBox, bounding_box, haversine_km_from
from directory.models import Equipment, ItinerantStop, LikelyService, Place, PlacePoint, PlaceStatus

BAND_DEGREES = 0.5
# Beyond this many bands (a box over most of a hemisphere), the band condition would only slow the query.
MAX_BANDS = 40
PROFILE_RELATIONS = {
    "t": "typologies",
    "s": "services",
    "a": "audiences",
    "x": "accessibility",
    "xn": "accessibility_no",
}
# The relations whose terms a search or a need can name, each indexed with the place's points.
INDEXED_KEYS = ("t", "s")
BATCH = 2000
POINT_COLUMNS = ("place_id", "term_id", "band", "latitude", "longitude", "likely")

_state = threading.local()


def band(longitude: float) -> int:
    return math.floor(longitude / BAND_DEGREES)


def bands(min_lon: float, max_lon: float) -> list[int] | None:
    """The longitude bands a box covers, or None when there are too many to be worth naming."""
    first, last = band(max(min_lon, -180.0)), band(min(max_lon, 180.0))
    if last - first + 1 > MAX_BANDS:
        return None
    return list(range(first, last + 1))


@dataclass(frozen=True)
class Area:
    """What lies at most km from a point, road factor included: the box and longitude bands to read from the
    index, and the distance of each point read (None when it is outside, in a corner of the box)."""

    latitude: float
    longitude: float
    km: float
    road_factor: float
    box: BoundingBox
    bands: list[int] | None

    @classmethod
    def around(cls, latitude: float, longitude: float, km: float) -> "Area":
        road_factor = max(settings.ROAD_FACTOR, 1e-9)
        box = bounding_box(latitude, longitude, km / road_factor)
        return cls(latitude, longitude, km, road_factor, box, bands(box.min_lon, box.max_lon))

    def distances(self, points: Iterable[tuple[float, float]]) -> list[float | None]:
        """The road distance of each (latitude, longitude), None for those out of reach (in a corner of the box)."""
        # A hair of slack: whoever ranks the places measures again and keeps what is truly within reach.
        factor, limit = self.road_factor, self.km + 1e-6
        found = [km * factor for km in haversine_km_from(self.latitude, self.longitude, points)]
        return [km if km <= limit else None for km in found]


@dataclass(frozen=True)
class Profile:
    typologies: tuple[int, ...] = ()
    services: tuple[int, ...] = ()
    audiences: tuple[int, ...] = ()
    accessibility: tuple[int, ...] = ()
    accessibility_no: tuple[int, ...] = ()  # said "no"; a code in neither list is not stated
    equipment: tuple[tuple[int, bool], ...] = ()  # (machine kind, confirmed by the place)
    stops: tuple[tuple[str, float, float], ...] = ()  # (commune name, latitude, longitude)
    # Services the types or labels make likely, when the record lists none; and why, in French.
    likely_services: tuple[int, ...] = ()
    likely_reasons: tuple[str, ...] = ()

    @classmethod
    def load(cls, text: str) -> "Profile":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            typologies=tuple(data.get("t", ())),
            services=tuple(data.get("s", ())),
            audiences=tuple(data.get("a", ())),
            accessibility=tuple(data.get("x", ())),
            accessibility_no=tuple(data.get("xn", ())),
            equipment=tuple((kind, bool(confirmed)) for kind, confirmed in data.get("e", ())),
            stops=tuple((name, latitude, longitude) for name, latitude, longitude in data.get("st", ())),
            likely_services=tuple(data.get("ls", ())),
            likely_reasons=tuple(data.get("lr", ())),
        )


def _terms_of(name: str, place_ids: list[int]) -> dict[int, list[int]]:
    through = Place._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
    found: dict[int, list[int]] = defaultdict(list)
    for place_id, term_id in through.objects.filter(place_id__in=place_ids).values_list("place_id", "term_id"):
        found[place_id].append(term_id)
    return found


def likely_rules() -> dict[int, tuple[list[int], str]]:
    """The active likely-service rules: by type or label term, the services it makes likely and why."""
    services: dict[int, list[int]] = defaultdict(list)
    for rule_id, term_id in LikelyService.services.through.objects.filter(likelyservice__active=True).values_list(
        "likelyservice_id", "term_id"
    ):
        services[rule_id].append(term_id)
    return {
        term_id: (sorted(services[pk]), reason)
        for pk, term_id, reason in LikelyService.objects.filter(active=True).values_list("pk", "term_id", "reason")
        if services[pk]
    }


def _infer(profile: dict, labels: list[int], rules: dict[int, tuple[list[int], str]]) -> None:
    """What a record likely offers beyond the services it lists, from its types then its labels.

    Imported rows list little (a France Services often only "démarches administratives"): a service the
    record does not list is not a service the place refuses.
    """
    stated = set(profile.get("s", ()))
    likely: set[int] = set()
    reasons: list[str] = []
    for term_id in [*profile.get("t", ()), *sorted(labels)]:
        rule = rules.get(term_id)
        if rule is not None and not stated.issuperset(rule[0]):
            likely.update(set(rule[0]) - stated)
            if rule[1] not in reasons:
                reasons.append(rule[1])
    if likely:
        profile["ls"], profile["lr"] = sorted(likely), reasons


def _profiles(place_ids: list[int], rules: dict[int, tuple[list[int], str]]) -> dict[int, dict]:
    """Each place's profile as a dict of sorted lists, read in one query per relation."""
    profiles: dict[int, dict] = {pk: {} for pk in place_ids}
    for key, name in PROFILE_RELATIONS.items():
        for place_id, ids in _terms_of(name, place_ids).items():
            profiles[place_id][key] = sorted(ids)
    labels = _terms_of("labels", place_ids) if rules else {}
    for place_id, profile in profiles.items():
        _infer(profile, labels.get(place_id, []), rules)
    machines: dict[int, list[list[int]]] = defaultdict(list)
    for place_id, kind_id, verified in Equipment.objects.filter(place_id__in=place_ids).values_list(
        "place_id", "kind_id", "verified"
    ):
        machines[place_id].append([kind_id, int(verified)])
    for place_id, items in machines.items():
        profiles[place_id]["e"] = sorted(items)
    stops: dict[int, list[list]] = defaultdict(list)
    for place_id, name, latitude, longitude in (
        ItinerantStop.objects.filter(place_id__in=place_ids)
        .order_by("place_id", "position", "pk")
        .values_list("place_id", "commune__name", "commune__latitude", "commune__longitude")
    ):
        stops[place_id].append([name, latitude, longitude])
    for place_id, items in stops.items():
        profiles[place_id]["st"] = items
    return profiles


def _points(profile: dict, latitude: float, longitude: float) -> list[tuple[float, float]]:
    points = [(latitude, longitude)]
    for _, stop_latitude, stop_longitude in profile.get("st", ()):
        if (stop_latitude, stop_longitude) not in points:
            points.append((stop_latitude, stop_longitude))
    return points


# Sent once the profiles and points of some places were written again: what others keep of the directory
# (the observatory's public page) is out of date.
places_changed = Signal()


def _refresh_now(place_ids: Iterable[int]) -> None:
    ids = sorted(set(place_ids))
    rules = likely_rules() if ids else {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            profiles = _profiles(chunk, rules)
            rows = Place.objects.filter(pk__in=chunk).values_list("pk", "latitude", "longitude", "status", "profile")
            points: list[tuple[int, int | None, int, float, float, bool]] = []
            changed: list[tuple[str, int]] = []
            for pk, latitude, longitude, status, stored in rows:
                profile = profiles[pk]
                text = json.dumps(profile, separators=(",", ":"), sort_keys=True) if profile else ""
                if text != stored:
                    changed.append((text, pk))
                if status == PlaceStatus.CLOSED:
                    continue
                terms: list[int | None] = [None]
                for key in INDEXED_KEYS:
                    terms.extend(profile.get(key, ()))
                terms.extend(kind for kind, _ in profile.get("e", ()))
                stated = set(terms)
                likely = [term for term in profile.get("ls", ()) if term not in stated]  # never twice
                for point_latitude, point_longitude in _points(profile, latitude, longitude):
                    point_band = band(point_longitude)
                    points.extend(
                        (pk, term, point_band, point_latitude, point_longitude, False) for term in dict.fromkeys(terms)
                    )
                    points.extend((pk, term, point_band, point_latitude, point_longitude, True) for term in likely)
            PlacePoint.objects.filter(place_id__in=chunk).delete()
            # Plain executemany: building model instances was most of the time of a national rebuild.
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                if points:
                    columns = ", ".join(quote(name) for name in POINT_COLUMNS)
                    cursor.executemany(
                        f"INSERT INTO {quote(PlacePoint._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * 6)})",
                        points,
                    )
                if changed:
                    cursor.executemany(
                        f"UPDATE {quote(Place._meta.db_table)} SET {quote('profile')} = %s WHERE {quote('id')} = %s",
                        changed,
                    )
    if ids:
        places_changed.send(sender=Place, place_ids=ids)


def refresh(place_ids: Iterable[int]) -> None:
    """Recompute the profile and the points of these places (now, or at the end of ``deferred()``)."""
    pending: set[int] | None = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(place_ids)
        return
    _refresh_now(place_ids)


@contextmanager
def deferred() -> Iterator[None]:
    """Gather the refreshes asked for inside the block, and run them once at its end."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    _refresh_now(pending)


def rebuild() -> int:
    """Recompute everything from the places; returns the number of places read."""
    ids = list(Place.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        PlacePoint.objects.all().delete()
        _refresh_now(ids)
    return len(ids)


def _stored() -> tuple[list[tuple], dict[int, str]]:
    points = PlacePoint.objects.values_list(*(name.removesuffix("_id") for name in POINT_COLUMNS))
    ordered = sorted(points, key=lambda row: tuple(-1 if value is None else value for value in row))
    return ordered, dict(Place.objects.values_list("pk", "profile"))


def is_consistent() -> bool:
    """Whether the stored profiles and points are what a rebuild would write (for checks and tests)."""
    before = _stored()
    with transaction.atomic():
        rebuild()
        after = _stored()
        transaction.set_rollback(True)
    return before == after
