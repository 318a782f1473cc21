"""Distance from each commune to the nearest open place that has an equipment or offers a service.

What counts: a place whose status is "open" (not temporarily closed), whose record states the machine (confirmed
by the place or still to confirm; ``confirmed_only`` keeps the confirmed ones) or lists the service. A service the
directory only guesses from a place's kind is not in its record and does not count. An itinerant unit counts at
each of its stops (the communes it visits), not at its home base, as the routing does; without stops, at its
point. Distances are great-circle from the commune's point (its mairie), times the road factor.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet

from coverage_solver import NearestIndex, classify, population_beyond
from directory.models import Equipment, ItinerantStop, Place, PlaceStatus, Term, Vocabulary
from territory.models import Commune, Departement

SUBJECT_VOCABULARIES = (Vocabulary.EQUIPMENT, Vocabulary.SERVICE)
NONE_LABEL = "aucun lieu"
# Facilities are read within this distance of the communes measured, before the whole country is.
NEAR_KM = 150.0
KM_PER_DEGREE = 110.574  # a degree of latitude, at its shortest


@dataclass(frozen=True)
class Facility:
    """One point where a place with the subject can be met."""

    place_id: int
    place_name: str
    latitude: float
    longitude: float
    commune_name: str
    stop: bool  # an itinerant unit's stop
    confirmed: bool  # the place confirmed the machine (a listed service counts as confirmed)
    commune_code: str = ""


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    population: int
    latitude: float
    longitude: float
    epci_siren: str
    epci_name: str
    km: float  # inf: no place at all
    nearest: Facility | None


@dataclass(frozen=True)
class Beyond:
    """The population of an area, and how much of it lives beyond each distance threshold."""

    key: str
    label: str
    communes: int
    population: int
    beyond: list[int]

    def share(self, index: int) -> float | None:
        return round(100 * self.beyond[index] / self.population, 1) if self.population else None


@dataclass
class Coverage:
    term: Term
    communes: list[CommuneRow]
    facilities: list[Facility]
    thresholds: list[float]
    confirmed_only: bool

    @property
    def km(self) -> np.ndarray:
        return np.array([row.km for row in self.communes], dtype=np.float64)

    @property
    def population(self) -> np.ndarray:
        return np.array([row.population for row in self.communes], dtype=np.float64)

    @property
    def classes(self) -> list[int]:
        return classify(self.km, self.thresholds).tolist()

    @property
    def counted(self) -> list[Facility]:
        """The facilities that serve these communes: those in one of them, and those nearest to one of them.

        Not every facility read: on a national directory, the places of the whole country with the machine."""
        codes = {row.code for row in self.communes}
        nearest = {id(row.nearest) for row in self.communes if row.nearest is not None}
        return [f for f in self.facilities if f.commune_code in codes or id(f) in nearest]

    @property
    def place_count(self) -> int:
        return len({facility.place_id for facility in self.counted})


def class_labels(thresholds: Sequence[float]) -> list[str]:
    """'10 km ou moins', '10 à 20 km', …, 'plus de 45 km', 'aucun lieu'."""
    labels = [f"{km:g} km ou moins" for km in thresholds[:1]]
    labels += [f"{low:g} à {high:g} km" for low, high in zip(thresholds, thresholds[1:], strict=False)]
    return [*labels, f"plus de {thresholds[-1]:g} km", NONE_LABEL]


def subjects() -> QuerySet[Term]:
    """What a coverage can be measured for: every machine kind, then every service."""
    return Term.objects.filter(vocabulary__in=SUBJECT_VOCABULARIES).order_by("vocabulary", "position", "label")


@dataclass(frozen=True)
class Box:
    """A latitude and longitude range, in degrees."""

    south: float
    north: float
    west: float
    east: float

    @classmethod
    def around(cls, latitudes: Sequence[float], longitudes: Sequence[float], km: float) -> "Box":
        """Every point less than ``km`` (great-circle) from one of these points lies inside (a margin to spare)."""
        margin = 1.2 * km
        dlat = margin / KM_PER_DEGREE
        widest = min(89.0, max(abs(min(latitudes)), abs(max(latitudes))) + dlat)
        dlon = min(180.0, margin / (KM_PER_DEGREE * math.cos(math.radians(widest))))
        return cls(min(latitudes) - dlat, max(latitudes) + dlat, min(longitudes) - dlon, max(longitudes) + dlon)

    def q(self, prefix: str) -> Q:
        return Q(
            **{
                f"{prefix}latitude__range": (self.south, self.north),
                f"{prefix}longitude__range": (self.west, self.east),
            }
        )


def facilities(term: Term, *, confirmed_only: bool = False, within: Box | None = None) -> list[Facility]:
    """Every point where a place with the subject can be met; ``within``: only places met inside the box."""
    if term.vocabulary == Vocabulary.EQUIPMENT:
        machines = Equipment.objects.filter(kind=term, place__status=PlaceStatus.OPEN)
        if confirmed_only:
            machines = machines.filter(verified=True)
        if within is not None:
            machines = machines.filter(within.q("place__") | within.q("place__stops__commune__"))
        rows = machines.order_by().values_list(
            "place_id",
            "place__name",
            "place__latitude",
            "place__longitude",
            "place__commune__name",
            "place__commune__code",
            "verified",
        )
    elif term.vocabulary == Vocabulary.SERVICE:
        places = Place.objects.filter(status=PlaceStatus.OPEN, services=term)
        if within is not None:
            places = places.filter(within.q("") | within.q("stops__commune__"))
        rows = places.values_list("pk", "name", "latitude", "longitude", "commune__name", "commune__code").distinct()
        rows = [(*row, True) for row in rows]
    else:
        raise ValueError(f"no coverage for a term of vocabulary {term.vocabulary!r}")
    places = {row[0]: row for row in rows}
    stops: dict[int, list[tuple[str, str, float, float]]] = defaultdict(list)
    for place_id, name, code, latitude, longitude in (
        ItinerantStop.objects.filter(place_id__in=places)
        .order_by("place_id", "position", "pk")
        .values_list("place_id", "commune__name", "commune__code", "commune__latitude", "commune__longitude")
    ):
        stops[place_id].append((name, code, latitude, longitude))
    found = []
    for place_id, place_name, latitude, longitude, commune_name, commune_code, confirmed in places.values():
        if stops.get(place_id):
            found += [
                Facility(place_id, place_name, stop_lat, stop_lon, stop_name, True, bool(confirmed), stop_code)
                for stop_name, stop_code, stop_lat, stop_lon in stops[place_id]
            ]
        else:
            found.append(
                Facility(place_id, place_name, latitude, longitude, commune_name, False, bool(confirmed), commune_code)
            )
    return found


def served_communes() -> QuerySet[Commune]:
    return Commune.objects.served()


def coverage(
    term: Term,
    *,
    communes: QuerySet[Commune] | None = None,
    confirmed_only: bool = False,
    thresholds: Sequence[float] | None = None,
) -> Coverage:
    """Each commune's distance to its nearest facility (the served territory's communes by default)."""
    communes = served_communes() if communes is None else communes
    rows = list(
        communes.order_by("name", "code").values_list(
            "code", "name", "population", "latitude", "longitude", "epci__siren", "epci__name"
        )
    )
    latitudes, longitudes = [row[3] for row in rows], [row[4] for row in rows]
    # The facilities near the communes first: a national directory holds the whole country's. A commune whose
    # nearest one is farther than NEAR_KM may have a nearer one outside the box: then every facility is read.
    found, km, nearest = [], np.array([]), np.array([], dtype=int)
    if rows:
        found = facilities(term, confirmed_only=confirmed_only, within=Box.around(latitudes, longitudes, NEAR_KM))
        km, nearest = _nearest(found, latitudes, longitudes)
    if not rows or not found or float(np.max(km)) > NEAR_KM * settings.ROAD_FACTOR:
        found = facilities(term, confirmed_only=confirmed_only)
        km, nearest = _nearest(found, latitudes, longitudes)
    return Coverage(
        term=term,
        communes=[
            CommuneRow(
                code,
                name,
                population,
                latitude,
                longitude,
                siren or "",
                epci_name or "",
                float(distance),
                found[which] if which >= 0 else None,
            )
            for (code, name, population, latitude, longitude, siren, epci_name), distance, which in zip(
                rows, km, nearest, strict=True
            )
        ],
        facilities=found,
        thresholds=list(thresholds or settings.OBSERVATORY_THRESHOLDS_KM),
        confirmed_only=confirmed_only,
    )


def _beyond(key: str, label: str, rows: Sequence[CommuneRow], thresholds: Sequence[float]) -> Beyond:
    km = [row.km for row in rows]
    population = [row.population for row in rows]
    return Beyond(
        key,
        label,
        len(rows),
        int(sum(population)),
        [int(value) for value in population_beyond(km, population, thresholds)],
    )


def beyond_by_area(result: Coverage, *, territory_label: str | None = None) -> list[Beyond]:
    """The whole territory first, then each EPCI (its communes within the territory), by name."""
    areas = [_beyond("", territory_label or settings.TERRITORY_NAME, result.communes, result.thresholds)]
    by_epci: dict[tuple[str, str], list[CommuneRow]] = defaultdict(list)
    for row in result.communes:
        by_epci[(row.epci_siren, row.epci_name or "Sans EPCI")].append(row)
    for (siren, name), rows in sorted(by_epci.items(), key=lambda item: item[0][1]):
        areas.append(_beyond(siren, name, rows, result.thresholds))
    return areas


def _nearest(found: list[Facility], latitudes: list[float], longitudes: list[float]) -> tuple[np.ndarray, np.ndarray]:
    index = NearestIndex([f.latitude for f in found], [f.longitude for f in found])
    return index.query(latitudes, longitudes, road_factor=settings.ROAD_FACTOR)


def france_by_departement(
    term: Term, *, confirmed_only: bool = False, thresholds: Sequence[float] | None = None
) -> list[Beyond]:
    """Every commune of France against every facility, grouped by département: a k-d tree, not N × M pairs."""
    thresholds = list(thresholds or settings.OBSERVATORY_THRESHOLDS_KM)
    rows = Commune.objects.values_list("departement_id", "population", "latitude", "longitude")
    departement, population, latitude, longitude = (np.array(column) for column in zip(*rows, strict=True))
    found = facilities(term, confirmed_only=confirmed_only)
    index = NearestIndex([f.latitude for f in found], [f.longitude for f in found])
    km, _ = index.query(latitude, longitude, road_factor=settings.ROAD_FACTOR)
    departements = {item.pk: item for item in Departement.objects.all()}
    ids, inverse = np.unique(departement, return_inverse=True)
    totals = np.bincount(inverse, weights=population)
    counts = np.bincount(inverse)
    beyond = [np.bincount(inverse, weights=np.where(km > threshold, population, 0)) for threshold in thresholds]
    result = [
        Beyond(
            departements[int(pk)].code,
            str(departements[int(pk)]),
            int(counts[i]),
            int(totals[i]),
            [int(values[i]) for values in beyond],
        )
        for i, pk in enumerate(ids)
    ]
    result.sort(key=lambda area: area.key)
    france = Beyond(
        "FR",
        "France",
        int(counts.sum()),
        int(totals.sum()),
        [int(values.sum()) for values in beyond],
    )
    return [france, *result]
