"""What a committee reads from distances: people beyond a threshold, classes, means weighted by population."""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def _arrays(distances: ArrayLike, population: ArrayLike) -> tuple[FloatArray, FloatArray]:
    km = np.asarray(distances, dtype=np.float64)
    weights = np.asarray(population, dtype=np.float64)
    if km.shape != weights.shape:
        raise ValueError("distances and population must have the same shape")
    return km, weights


def population_beyond(distances: ArrayLike, population: ArrayLike, thresholds: Sequence[float]) -> list[float]:
    """For each threshold, the population whose distance is strictly greater (no facility at all counts)."""
    km, weights = _arrays(distances, population)
    return [float(weights[km > threshold].sum()) for threshold in thresholds]


def population_within(distances: ArrayLike, population: ArrayLike, radius: float) -> float:
    km, weights = _arrays(distances, population)
    return float(weights[km <= radius].sum())


def weighted_mean(distances: ArrayLike, population: ArrayLike) -> float:
    """Mean distance per inhabitant; inf when someone has no facility at all, nan without population."""
    km, weights = _arrays(distances, population)
    total = weights.sum()
    if total <= 0:
        return float("nan")
    positive = weights > 0
    return float(np.dot(weights[positive], km[positive]) / total)


def classify(distances: ArrayLike, bounds: Sequence[float]) -> IntArray:
    """Class of each distance: 0 up to bounds[0] included, 1 up to bounds[1]…, len(bounds) beyond the last,
    len(bounds) + 1 for no facility at all (infinite distance)."""
    km = np.asarray(distances, dtype=np.float64)
    classes = np.searchsorted(np.asarray(bounds, dtype=np.float64), km, side="left").astype(np.intp)
    classes[np.isinf(km)] = len(bounds) + 1
    return classes
