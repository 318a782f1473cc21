"""What if k more places had the machine? The suggestion of the coverage solver, a chosen scenario, and their
figures side by side.

Demand: the served territory's communes, weighted by their population. Existing facilities stay where they are
(observatory/coverage.py says which count). Candidate sites: the territory's open places that lack the subject
(an itinerant unit at its stops), or its communes (at their mairie's point).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from aiguillage.lib.text import normalize_name
from coverage_solver import (
    evaluate,
    haversine_matrix,
    max_coverage,
    p_median,
    population_beyond,
    population_within,
    weighted_mean,
)
from directory.models import ItinerantStop, Place, PlaceStatus, Term, Vocabulary
from observatory.coverage import Coverage, coverage
from territory.lookup import resolve_commune

PLACES = "places"
COMMUNES = "communes"
MEDIAN = "distance"
COVERAGE = "coverage"
MAX_SITES = 10


@dataclass(frozen=True)
class Site:
    key: str  # "place:12" or "commune:58086"
    label: str
    commune_code: str
    commune_name: str
    points: tuple[tuple[float, float], ...]  # (latitude, longitude) where the site can be met


@dataclass(frozen=True)
class Figures:
    population: int
    mean_km: float  # per inhabitant; inf when someone has no place at all
    beyond: list[int]  # population beyond each threshold
    within_radius: int
    max_km: float

    def share_beyond(self, index: int) -> float | None:
        return round(100 * self.beyond[index] / self.population, 1) if self.population else None

    @property
    def share_within(self) -> float | None:
        return round(100 * self.within_radius / self.population, 1) if self.population else None


@dataclass
class Scenario:
    label: str
    sites: list[Site]
    km: np.ndarray
    figures: Figures


@dataclass
class Instance:
    term: Term
    among: str
    current: Coverage
    population: np.ndarray
    baseline: np.ndarray
    candidates: list[Site]
    cost: np.ndarray  # communes × candidates, km
    thresholds: list[float]
    radius: float


class ScenarioError(ValueError):
    """A scenario that cannot be evaluated, explained in French."""


def _site_costs(latitude: np.ndarray, longitude: np.ndarray, sites: Sequence[Site]) -> np.ndarray:
    """Communes × sites: the distance to the nearest point of each site."""
    points = [point for site in sites for point in site.points]
    if not points:
        return np.empty((len(latitude), 0))
    matrix = haversine_matrix(
        latitude, longitude, [p[0] for p in points], [p[1] for p in points], road_factor=settings.ROAD_FACTOR
    )
    starts = np.cumsum([0] + [len(site.points) for site in sites[:-1]])
    return np.minimum.reduceat(matrix, starts, axis=1)


def _place_candidates(term: Term) -> list[Site]:
    places = Place.objects.filter(
        status=PlaceStatus.OPEN, commune__departement__code__in=settings.TERRITORY_DEPARTEMENTS
    )
    if term.vocabulary == Vocabulary.EQUIPMENT:
        places = places.exclude(equipment__kind=term)
    else:
        places = places.exclude(services=term)
    rows = list(
        places.order_by("name", "pk").values_list(
            "pk", "name", "latitude", "longitude", "commune__code", "commune__name"
        )
    )
    stops: dict[int, list[tuple[float, float]]] = {}
    for place_id, latitude, longitude in (
        ItinerantStop.objects.filter(place_id__in=[row[0] for row in rows])
        .order_by("place_id", "position", "pk")
        .values_list("place_id", "commune__latitude", "commune__longitude")
    ):
        stops.setdefault(place_id, []).append((latitude, longitude))
    return [
        Site(f"place:{pk}", name, code, commune_name, tuple(stops.get(pk) or [(latitude, longitude)]))
        for pk, name, latitude, longitude, code, commune_name in rows
    ]


def _commune_site(code: str, name: str, latitude: float, longitude: float) -> Site:
    return Site(f"commune:{code}", name, code, name, ((latitude, longitude),))


def build_instance(term: Term, *, among: str = PLACES, confirmed_only: bool = False, radius: float = 20.0) -> Instance:
    current = coverage(term, confirmed_only=confirmed_only)
    latitude = np.array([row.latitude for row in current.communes])
    longitude = np.array([row.longitude for row in current.communes])
    if among == COMMUNES:
        candidates = [_commune_site(row.code, row.name, row.latitude, row.longitude) for row in current.communes]
    elif among == PLACES:
        candidates = _place_candidates(term)
    else:
        raise ValueError(f"unknown candidate set {among!r}")
    return Instance(
        term=term,
        among=among,
        current=current,
        population=current.population,
        baseline=current.km,
        candidates=candidates,
        cost=_site_costs(latitude, longitude, candidates),
        thresholds=current.thresholds,
        radius=radius,
    )


def figures(instance: Instance, km: np.ndarray) -> Figures:
    population = instance.population
    return Figures(
        population=int(population.sum()),
        mean_km=weighted_mean(km, population),
        beyond=[int(value) for value in population_beyond(km, population, instance.thresholds)],
        within_radius=int(population_within(km, population, instance.radius)),
        max_km=float(km.max()) if len(km) else float("nan"),
    )


def before(instance: Instance) -> Scenario:
    return Scenario("Aujourd'hui", [], instance.baseline, figures(instance, instance.baseline))


def suggest(instance: Instance, k: int, *, objective: str = MEDIAN) -> Scenario:
    if not 1 <= k <= min(MAX_SITES, len(instance.candidates)):
        raise ScenarioError(
            f"Choisissez entre 1 et {min(MAX_SITES, len(instance.candidates))} lieux à équiper."
            if instance.candidates
            else "Aucun lieu candidat : tous les lieux ouverts du territoire l'ont déjà."
        )
    if objective == COVERAGE:
        placement = max_coverage(instance.cost, instance.population, k, instance.radius, baseline=instance.baseline)
        label = f"Proposition : le plus d'habitants à moins de {instance.radius:g} km"
    else:
        placement = p_median(instance.cost, instance.population, k, baseline=instance.baseline)
        label = "Proposition : la distance moyenne la plus courte"
    sites = [instance.candidates[column] for column in placement.chosen]
    return Scenario(label, sites, placement.distances, figures(instance, placement.distances))


def resolve_sites(instance: Instance, names: Sequence[str]) -> list[Site]:
    """What a person typed (a candidate place's name, a commune's name or INSEE code) as sites: the place, or
    the commune at its mairie's point. Raises ScenarioError, in French, for what cannot be found."""
    by_name: dict[str, list[Site]] = {}
    for site in instance.candidates:
        if site.key.startswith("place:"):
            by_name.setdefault(normalize_name(site.label), []).append(site)
    sites: list[Site] = []
    missing = []
    for name in names:
        places = by_name.get(normalize_name(name), [])
        if len(places) == 1:
            site = places[0]
        else:
            commune, _ = resolve_commune(name)
            if commune is None:
                missing.append(name)
                continue
            site = _commune_site(commune.code, commune.name, commune.latitude, commune.longitude)
        if site.key not in {chosen.key for chosen in sites}:
            sites.append(site)
    if missing:
        listed = ", ".join(f"« {name} »" for name in missing)
        raise ScenarioError(
            f"Introuvable : {listed}. Donnez le nom d'une commune (ou son code INSEE) ou celui d'un lieu du territoire."
        )
    if not sites:
        raise ScenarioError("Indiquez au moins une commune ou un lieu.")
    if len(sites) > MAX_SITES:
        raise ScenarioError(f"Au plus {MAX_SITES} lieux par scénario.")
    return sites


def scenario(instance: Instance, sites: Sequence[Site], *, label: str) -> Scenario:
    latitude = np.array([row.latitude for row in instance.current.communes])
    longitude = np.array([row.longitude for row in instance.current.communes])
    cost = _site_costs(latitude, longitude, sites)
    km = evaluate(cost, instance.population, list(range(len(sites))), baseline=instance.baseline)
    return Scenario(label, list(sites), km, figures(instance, km))


def commune_names_in(text: str) -> list[str]:
    """'Clamecy, Luzy; 58086' → ['Clamecy', 'Luzy', '58086']."""
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]
