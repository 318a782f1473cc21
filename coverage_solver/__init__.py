"""Distances from communes to equipment, and where new equipment would help most; NumPy and SciPy, no Django.

The observatory reads communes and places from its database, turns them into arrays and calls these functions;
everything here can be tested against an exact solver and benchmarked alone.

- ``distance``: great-circle distance matrices, and the nearest facility of many points through a k-d tree
  (France's 35,000 communes against thousands of places, without 35,000 × N pairs);
- ``figures``: population beyond distance thresholds, classes, weighted means;
- ``placement``: the p-median (greedy construction, then vertex substitution) and maximal coverage, on a distance
  matrix, with the facilities that already exist kept.
"""

from coverage_solver.distance import NearestIndex, haversine_km, haversine_matrix, unit_vectors
from coverage_solver.figures import (
    classify,
    population_beyond,
    population_within,
    weighted_mean,
)
from coverage_solver.placement import Placement, evaluate, max_coverage, p_median

__all__ = [
    "NearestIndex",
    "Placement",
    "classify",
    "evaluate",
    "haversine_km",
    "haversine_matrix",
    "max_coverage",
    "p_median",
    "population_beyond",
    "population_within",
    "unit_vectors",
    "weighted_mean",
]
