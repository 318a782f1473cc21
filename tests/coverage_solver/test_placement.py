import math

import numpy as np
import pytest

from coverage_solver import evaluate, haversine_matrix, max_coverage, p_median
from territory.models import Commune
from tests.coverage_solver.exact import brute_force_p_median_of_two, exact_max_coverage, exact_p_median

# spopt builds its models with PuLP calls that PuLP 3 announces it will rename.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

WITHIN = 1.01  # the heuristic's answer is within 1 % of the optimum


def generated(seed: int, demand: int = 40, sites: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Towns spread over a 120 km square, some larger, and candidate sites among them."""
    rng = np.random.default_rng(seed)
    latitude = rng.uniform(46.6, 47.6, demand)
    longitude = rng.uniform(2.9, 4.3, demand)
    population = np.round(rng.lognormal(6.0, 1.2, demand))
    columns = rng.choice(demand, size=sites, replace=False)
    cost = haversine_matrix(latitude, longitude, latitude[columns], longitude[columns], road_factor=1.2)
    return cost, population, columns


def test_one_site_goes_to_the_weighted_median_of_a_line():
    # Five towns 10 km apart on a line; the middle one is the median whatever the ends weigh.
    positions = np.arange(5) * 10.0
    cost = np.abs(positions[:, None] - positions[None, :])
    placement = p_median(cost, [1, 1, 1, 1, 1], 1)
    assert placement.chosen == (2,)
    assert placement.weighted_distance == pytest.approx(60.0)
    assert p_median(cost, [1, 1, 1, 1, 10], 1).chosen == (4,)


def test_vertex_substitution_repairs_a_greedy_first_choice():
    # Two equal clusters at 0 and 100 km and a hub at 50: the greedy takes the hub first, which is wrong for k = 2.
    positions = np.array([0.0, 1.0, 50.0, 99.0, 100.0])
    cost = np.abs(positions[:, None] - positions[None, :])
    weights = np.array([10.0, 10.0, 1.0, 10.0, 10.0])
    placement = p_median(cost, weights, 2)
    assert placement.greedy_chosen[0] == 2
    assert sorted(placement.chosen) in ([0, 3], [0, 4], [1, 3], [1, 4])
    assert placement.rounds >= 1
    assert placement.weighted_distance == pytest.approx(10 * 1 + 10 * 1 + 49)


def test_existing_facilities_are_kept_and_new_sites_go_where_they_are_missing():
    positions = np.array([0.0, 5.0, 60.0, 65.0])
    cost = np.abs(positions[:, None] - positions[None, :])
    baseline = np.abs(positions - 0.0)  # a facility already stands at 0 km
    placement = p_median(cost, [1, 1, 1, 1], 1, baseline=baseline)
    assert placement.chosen in ((2,), (3,))
    np.testing.assert_allclose(placement.distances, evaluate(cost, [1, 1, 1, 1], placement.chosen, baseline=baseline))
    assert placement.distances[0] == 0.0 and placement.distances[1] == 5.0


def test_no_new_site_leaves_the_distances_as_they_are():
    cost = np.array([[1.0, 2.0], [3.0, 4.0]])
    placement = p_median(cost, [1, 1], 0, baseline=[math.inf, 0.5])
    assert placement.chosen == ()
    assert math.isinf(placement.distances[0]) and placement.distances[1] == 0.5


@pytest.mark.parametrize(
    "bad",
    [
        {"k": 3},
        {"k": -1},
        {"weights": [1, -1]},
        {"weights": [1]},
        {"cost": [[1.0, math.inf], [1.0, 1.0]]},
    ],
)
def test_nonsense_is_refused(bad):
    arguments = {"cost": [[1.0, 2.0], [3.0, 4.0]], "weights": [1, 1], "k": 1} | bad
    with pytest.raises(ValueError):
        p_median(arguments["cost"], arguments["weights"], arguments["k"])


@pytest.mark.parametrize(("seed", "k", "with_existing"), [(1, 2, False), (2, 3, False), (3, 4, True), (4, 3, True)])
def test_p_median_is_within_one_percent_of_the_optimum_on_generated_instances(seed, k, with_existing):
    cost, population, _ = generated(seed)
    baseline = cost[:, 0] + 15.0 if with_existing else None
    placement = p_median(cost, population, k, baseline=baseline)
    optimum = exact_p_median(cost, population, k, baseline)
    assert optimum <= placement.weighted_distance + 1e-6
    assert placement.weighted_distance <= optimum * WITHIN


@pytest.mark.parametrize(("seed", "k", "radius"), [(5, 2, 15.0), (6, 3, 20.0)])
def test_maximal_coverage_is_within_one_percent_of_the_optimum_on_generated_instances(seed, k, radius):
    cost, population, _ = generated(seed)
    placement = max_coverage(cost, population, k, radius)
    optimum = exact_max_coverage(cost, population, k, radius)
    assert placement.covered <= optimum + 1e-6
    assert placement.covered >= optimum / WITHIN


@pytest.fixture
def nievre(db):
    """The served département's communes: their mairie points and municipal population, as loaded."""
    rows = list(Commune.objects.served().order_by("code").values_list("code", "latitude", "longitude", "population"))
    codes = [row[0] for row in rows]
    latitude = np.array([row[1] for row in rows])
    longitude = np.array([row[2] for row in rows])
    population = np.array([float(row[3]) for row in rows])
    return codes, latitude, longitude, population


def test_on_the_nievre_two_sites_among_all_communes_are_within_one_percent_of_the_optimum(nievre):
    codes, latitude, longitude, population = nievre
    assert len(codes) > 300
    cost = haversine_matrix(latitude, longitude, latitude, longitude)
    placement = p_median(cost, population, 2)
    optimum = brute_force_p_median_of_two(cost, population)
    assert optimum <= placement.weighted_distance + 1e-6
    assert placement.weighted_distance <= optimum * WITHIN


def test_on_the_nievre_new_sites_beside_existing_ones_are_within_one_percent_of_the_optimum(nievre):
    codes, latitude, longitude, population = nievre
    # Candidates: the 20 most populated communes; a machine already at Nevers (58194).
    columns = np.argsort(-population, kind="stable")[:20]
    cost = haversine_matrix(latitude, longitude, latitude[columns], longitude[columns])
    nevers = codes.index("58194")
    baseline = haversine_matrix(latitude, longitude, latitude[[nevers]], longitude[[nevers]])[:, 0]
    placement = p_median(cost, population, 3, baseline=baseline)
    optimum = exact_p_median(cost, population, 3, baseline)
    assert optimum <= placement.weighted_distance + 1e-6
    assert placement.weighted_distance <= optimum * WITHIN
    covered = max_coverage(cost, population, 3, 15.0, baseline=baseline)
    best_coverage = exact_max_coverage(cost, population, 3, 15.0, baseline)
    assert best_coverage / WITHIN <= covered.covered <= best_coverage + 1e-6
