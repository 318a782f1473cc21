"""Summaries of timings, without Django: the parent process uses them too."""

import math
import statistics


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: a value actually observed, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(milliseconds: list[float]) -> dict[str, float]:
    return {
        "count": len(milliseconds),
        "median": statistics.median(milliseconds),
        "p95": percentile(milliseconds, 0.95),
        "max": max(milliseconds),
    }
