"""Where k new facilities would help most, on a distance matrix: p-median and maximal coverage.

Both take ``cost`` (demand points in rows, candidate sites in columns, in km), the population of each demand
point, and ``baseline``: each demand point's distance to the facilities that already exist (inf where there is
none). A demand point goes to whichever is nearer, an existing facility or a chosen site, so the problem with
existing facilities is the same problem on ``min(cost, baseline)``: that is what an exact solver is given to
check these heuristics.

- ``p_median``: the k sites that minimise the population-weighted distance. Greedy construction (each step adds
  the site that lowers the total most), then vertex substitution (Teitz and Bart): swap a chosen site for another
  while the best swap lowers the total, each round evaluating every (out, in) pair with one matrix product per
  chosen site.
- ``max_coverage``: the k sites that bring the most population within ``radius`` km; among equal coverages, the
  lower weighted distance wins, so that sites beyond full coverage still go where they shorten trips.

Ties go to the lowest column index: the same input always gives the same answer.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MAX_ROUNDS = 200
# A swap must improve the total by more than this share of it: floating-point noise never loops.
RELATIVE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Placement:
    """The chosen columns (in the order found), and what they give."""

    chosen: tuple[int, ...]
    distances: FloatArray  # each demand point's distance after placement
    weighted_distance: float  # sum of population × distance
    covered: float  # population within the radius (max_coverage), or nan (p_median)
    greedy_chosen: tuple[int, ...]
    rounds: int  # vertex substitution rounds that improved the answer


def _inputs(
    cost: ArrayLike, weights: ArrayLike, baseline: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    matrix = np.asarray(cost, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("cost must be a matrix: demand points in rows, candidate sites in columns")
    population = np.asarray(weights, dtype=np.float64)
    if population.shape != (matrix.shape[0],):
        raise ValueError("weights must give one value per row of cost")
    if np.any(population < 0) or not np.all(np.isfinite(population)):
        raise ValueError("weights must be finite and non-negative")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ValueError("cost must be finite and non-negative")
    existing = np.full(matrix.shape[0], np.inf) if baseline is None else np.asarray(baseline, dtype=np.float64)
    if existing.shape != population.shape:
        raise ValueError("baseline must give one value per row of cost")
    return matrix, population, existing


def _check_count(k: int, matrix: FloatArray) -> None:
    if k < 0 or k > matrix.shape[1]:
        raise ValueError(f"k must be between 0 and the number of candidate sites ({matrix.shape[1]})")


def _total(population: FloatArray, distances: FloatArray) -> float:
    """Sum of population × distance, where nobody's distance counts when they are nobody (0 × inf is 0)."""
    positive = population > 0
    return float(np.dot(population[positive], distances[positive]))


def _nearest(existing: FloatArray, matrix: FloatArray, columns: Sequence[int]) -> FloatArray:
    if not columns:
        return existing.copy()
    nearest: FloatArray = np.minimum(existing, matrix[:, list(columns)].min(axis=1))
    return nearest


def _totals_adding(population: FloatArray, current: FloatArray, matrix: FloatArray, buffer: FloatArray) -> FloatArray:
    """For each column j, the weighted total if j were added to what gives ``current``.

    The matrix is finite, so the minimum is too, and a row without population adds 0 (never 0 × inf).
    ``buffer`` has the matrix's shape: one allocation per solve rather than one per evaluation.
    """
    np.minimum(current[:, None], matrix, out=buffer)
    totals: FloatArray = population @ buffer
    return totals


def evaluate(
    cost: ArrayLike, weights: ArrayLike, chosen: Sequence[int], *, baseline: ArrayLike | None = None
) -> FloatArray:
    """Each demand point's distance once the chosen columns are added to the existing facilities."""
    matrix, _, existing = _inputs(cost, weights, baseline)
    for column in chosen:
        if not 0 <= column < matrix.shape[1]:
            raise ValueError(f"column {column} is not a candidate site")
    return _nearest(existing, matrix, list(chosen))


def p_median(
    cost: ArrayLike, weights: ArrayLike, k: int, *, baseline: ArrayLike | None = None, max_rounds: int = MAX_ROUNDS
) -> Placement:
    matrix, population, existing = _inputs(cost, weights, baseline)
    _check_count(k, matrix)
    buffer = np.empty_like(matrix)
    chosen: list[int] = []
    current = existing.copy()
    for _ in range(k):
        totals = _totals_adding(population, current, matrix, buffer)
        totals[chosen] = np.inf
        best = int(np.argmin(totals))
        chosen.append(best)
        current = np.minimum(current, matrix[:, best])
    greedy = tuple(chosen)
    total = _total(population, current)

    rounds = 0
    while rounds < max_rounds and 0 < k < matrix.shape[1]:
        best_total, best_swap = total, None
        for position in range(k):
            others = chosen[:position] + chosen[position + 1 :]
            without = _nearest(existing, matrix, others)
            totals = _totals_adding(population, without, matrix, buffer)
            totals[chosen] = np.inf
            candidate = int(np.argmin(totals))
            if totals[candidate] < best_total - RELATIVE_TOLERANCE * max(abs(best_total), 1.0):
                best_total, best_swap = float(totals[candidate]), (position, candidate)
        if best_swap is None:
            break
        position, candidate = best_swap
        chosen[position] = candidate
        current = _nearest(existing, matrix, chosen)
        total = _total(population, current)
        rounds += 1
    return Placement(tuple(chosen), current, total, float("nan"), greedy, rounds)


def _coverage_scores(
    population: FloatArray,
    covered: BoolArray,
    current: FloatArray,
    matrix: FloatArray,
    reach: FloatArray,
    buffer: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """For each column j added to the current sites: (population covered, weighted distance)."""
    gained: FloatArray = np.where(covered, 0.0, population) @ reach
    return float(population[covered].sum()) + gained, _totals_adding(population, current, matrix, buffer)


def _best(coverage: FloatArray, totals: FloatArray, excluded: Sequence[int]) -> int:
    """The column with the most coverage, then the least weighted distance, then the lowest index."""
    coverage = coverage.copy()
    coverage[list(excluded)] = -np.inf
    order = np.lexsort((np.arange(len(coverage)), totals, -coverage))
    return int(order[0])


def _better(coverage: float, total: float, than_coverage: float, than_total: float) -> bool:
    tolerance = RELATIVE_TOLERANCE * max(abs(than_coverage), 1.0)
    if coverage > than_coverage + tolerance:
        return True
    if coverage < than_coverage - tolerance:
        return False
    return total < than_total - RELATIVE_TOLERANCE * max(abs(than_total), 1.0)


def max_coverage(
    cost: ArrayLike,
    weights: ArrayLike,
    k: int,
    radius: float,
    *,
    baseline: ArrayLike | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> Placement:
    matrix, population, existing = _inputs(cost, weights, baseline)
    _check_count(k, matrix)
    if not radius > 0:
        raise ValueError("radius must be positive")
    reach = (matrix <= radius).astype(np.float64)
    buffer = np.empty_like(matrix)
    chosen: list[int] = []
    current = existing.copy()
    for _ in range(k):
        coverage, totals = _coverage_scores(population, current <= radius, current, matrix, reach, buffer)
        best = _best(coverage, totals, chosen)
        chosen.append(best)
        current = np.minimum(current, matrix[:, best])
    greedy = tuple(chosen)
    covered = float(population[current <= radius].sum())
    total = _total(population, current)

    rounds = 0
    while rounds < max_rounds and 0 < k < matrix.shape[1]:
        best_coverage, best_total, best_swap = covered, total, None
        for position in range(k):
            others = chosen[:position] + chosen[position + 1 :]
            without = _nearest(existing, matrix, others)
            coverage, totals = _coverage_scores(population, without <= radius, without, matrix, reach, buffer)
            candidate = _best(coverage, totals, chosen)
            if _better(float(coverage[candidate]), float(totals[candidate]), best_coverage, best_total):
                best_coverage, best_total = float(coverage[candidate]), float(totals[candidate])
                best_swap = (position, candidate)
        if best_swap is None:
            break
        position, candidate = best_swap
        chosen[position] = candidate
        current = _nearest(existing, matrix, chosen)
        covered = float(population[current <= radius].sum())
        total = _total(population, current)
        rounds += 1
    return Placement(tuple(chosen), current, total, covered, greedy, rounds)
