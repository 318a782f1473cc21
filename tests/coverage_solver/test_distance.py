import math

import numpy as np
import pytest

from coverage_solver import NearestIndex, classify, haversine_km, haversine_matrix, population_beyond, weighted_mean
from coverage_solver.figures import population_within

# Worked by hand with R = 6371.0088 km (the project's mean Earth radius):
# one degree of arc is R × π / 180 = 111.19508 km, on a meridian or on the equator;
# along the 45th parallel, 2R × asin(cos 45° × sin 0.5°) = 2R × asin(0.70711 × 0.0087265) = 78.6263 km;
# a quarter of a great circle is R × π / 2 = 10007.557 km.
ONE_DEGREE_KM = 111.19508
ALONG_45TH_PARALLEL_KM = 78.6263
QUARTER_KM = 10007.557


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((0.0, 0.0), (0.0, 1.0), ONE_DEGREE_KM),
        ((47.0, 3.5), (48.0, 3.5), ONE_DEGREE_KM),
        ((45.0, 0.0), (45.0, 1.0), ALONG_45TH_PARALLEL_KM),
        ((0.0, 0.0), (90.0, 0.0), QUARTER_KM),
        ((46.79, 3.97), (46.79, 3.97), 0.0),
    ],
)
def test_great_circle_distances_match_the_hand_computed_values(a, b, km):
    assert float(haversine_km(a[0], a[1], b[0], b[1])) == pytest.approx(km, abs=5e-4)


def test_the_matrix_applies_the_road_factor_to_every_pair():
    matrix = haversine_matrix([0.0, 45.0], [0.0, 0.0], [0.0, 45.0, 90.0], [1.0, 1.0, 0.0], road_factor=1.3)
    assert matrix.shape == (2, 3)
    assert matrix[0, 0] == pytest.approx(1.3 * ONE_DEGREE_KM, abs=1e-3)
    assert matrix[1, 1] == pytest.approx(1.3 * ALONG_45TH_PARALLEL_KM, abs=1e-3)
    assert matrix[0, 2] == pytest.approx(1.3 * QUARTER_KM, abs=1e-2)


def test_the_nearest_facility_is_found_with_its_exact_distance():
    # Facilities one degree north and one degree east of the origin, and one far away.
    index = NearestIndex([1.0, 0.0, 60.0], [0.0, 1.0, 30.0])
    km, which = index.query([0.0, 0.2, 59.0], [0.0, 0.95, 30.0], road_factor=1.5)
    assert which[1] == 1 and which[2] == 2
    assert km[0] == pytest.approx(1.5 * ONE_DEGREE_KM, abs=1e-3)
    assert km[2] == pytest.approx(1.5 * ONE_DEGREE_KM, abs=1e-3)


def test_the_tree_agrees_with_every_pair_measured():
    rng = np.random.default_rng(7)
    demand = rng.uniform([41.3, -5.0], [51.1, 9.6], size=(2000, 2))
    facilities = rng.uniform([41.3, -5.0], [51.1, 9.6], size=(300, 2))
    km, which = NearestIndex(facilities[:, 0], facilities[:, 1]).query(demand[:, 0], demand[:, 1], road_factor=1.2)
    every_pair = haversine_matrix(demand[:, 0], demand[:, 1], facilities[:, 0], facilities[:, 1], road_factor=1.2)
    np.testing.assert_allclose(km, every_pair.min(axis=1), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(every_pair[np.arange(2000), which], every_pair.min(axis=1), rtol=1e-9, atol=1e-6)


def test_without_any_facility_everyone_is_infinitely_far():
    km, which = NearestIndex([], []).query([47.0, 46.5], [3.5, 3.1])
    assert np.isinf(km).all() and (which == -1).all()


def test_population_beyond_each_threshold_counts_those_without_any_facility():
    distances = [5.0, 10.0, 10.5, 31.0, math.inf]
    population = [100, 200, 300, 400, 500]
    assert population_beyond(distances, population, [10, 20, 30, 45]) == [1200, 900, 900, 500]
    assert population_within(distances, population, 10) == 300


def test_classes_include_their_upper_bound_and_set_apart_no_facility():
    classes = classify([0.0, 10.0, 10.01, 20.0, 44.9, 45.0, 45.1, math.inf], [10, 20, 30, 45])
    assert classes.tolist() == [0, 0, 1, 1, 3, 3, 4, 5]


def test_the_mean_distance_is_weighted_by_population():
    assert weighted_mean([10.0, 40.0], [300, 100]) == pytest.approx(17.5)
    assert weighted_mean([10.0, math.inf], [300, 0]) == pytest.approx(10.0)
    assert math.isinf(weighted_mean([10.0, math.inf], [300, 1]))
