"""Exact optima to check the heuristics against: spopt's integer programs, solved by PuLP's CBC.

Existing facilities are folded into the matrix (each demand point goes to whichever is nearer), which is the
same problem: see coverage_solver/placement.py.
"""

import numpy as np
import pulp
from spopt.locate import MCLP, PMedian


def _effective(cost: np.ndarray, baseline: np.ndarray | None) -> np.ndarray:
    return cost if baseline is None else np.minimum(cost, baseline[:, None])


def _chosen(model: object) -> tuple[int, ...]:
    return tuple(index for index, variable in enumerate(model.fac_vars) if variable.value() > 0.5)


def exact_p_median(cost: np.ndarray, weights: np.ndarray, p: int, baseline: np.ndarray | None = None) -> float:
    """The least population-weighted distance k new sites can give."""
    matrix = _effective(cost, baseline)
    model = PMedian.from_cost_matrix(matrix, weights, p_facilities=p).solve(pulp.PULP_CBC_CMD(msg=False))
    assert model.problem.status == pulp.LpStatusOptimal
    chosen = list(_chosen(model))
    return float(weights @ matrix[:, chosen].min(axis=1))


def exact_max_coverage(
    cost: np.ndarray, weights: np.ndarray, p: int, radius: float, baseline: np.ndarray | None = None
) -> float:
    """The most population k new sites can bring within radius (those already within it included)."""
    matrix = _effective(cost, baseline)
    model = MCLP.from_cost_matrix(matrix, weights, service_radius=radius, p_facilities=p).solve(
        pulp.PULP_CBC_CMD(msg=False)
    )
    assert model.problem.status == pulp.LpStatusOptimal
    chosen = list(_chosen(model))
    return float(weights[matrix[:, chosen].min(axis=1) <= radius].sum())


def brute_force_p_median_of_two(cost: np.ndarray, weights: np.ndarray) -> float:
    """Every pair of sites tried: exact for k = 2 at any size a matrix fits in memory."""
    best = np.inf
    for first in range(cost.shape[1] - 1):
        totals = weights @ np.minimum(cost[:, first : first + 1], cost[:, first + 1 :])
        best = min(best, float(totals.min()))
    return best
