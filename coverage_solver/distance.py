"""Great-circle distances, one pair, a matrix, or each point's nearest facility.

Every distance is multiplied by a road factor (the project's setting ``ROAD_FACTOR``), which the caller passes:
nothing here reads settings.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from aiguillage.lib.geo import EARTH_RADIUS_KM

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def _radians(values: ArrayLike) -> FloatArray:
    return np.radians(np.asarray(values, dtype=np.float64))


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> FloatArray:
    """Element-wise great-circle distance in km (broadcasting like NumPy)."""
    phi1, phi2 = _radians(lat1), _radians(lat2)
    dphi = phi2 - phi1
    dlambda = _radians(lon2) - _radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


def haversine_matrix(
    lat_a: ArrayLike, lon_a: ArrayLike, lat_b: ArrayLike, lon_b: ArrayLike, *, road_factor: float = 1.0
) -> FloatArray:
    """Distances (km, road factor applied) from each point a (rows) to each point b (columns)."""
    lat_a, lon_a = np.asarray(lat_a, dtype=np.float64), np.asarray(lon_a, dtype=np.float64)
    lat_b, lon_b = np.asarray(lat_b, dtype=np.float64), np.asarray(lon_b, dtype=np.float64)
    return haversine_km(lat_a[:, None], lon_a[:, None], lat_b[None, :], lon_b[None, :]) * road_factor


def unit_vectors(lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Points of the unit sphere: the straight (chord) distance between two of them grows with the arc."""
    phi, lam = _radians(lat), _radians(lon)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: FloatArray) -> FloatArray:
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))
    return result


class NearestIndex:
    """The facilities of one kind, in a k-d tree: each query point gets its nearest facility in O(log n).

    The tree holds 3-D points of the unit sphere, where the nearest by chord is the nearest by great circle,
    so the answer is exact, not an approximation of a flat projection.
    """

    def __init__(self, lat: ArrayLike, lon: ArrayLike) -> None:
        points = unit_vectors(lat, lon) if np.size(lat) else np.empty((0, 3))
        self.size = len(points)
        self._tree = cKDTree(points) if self.size else None

    def query(self, lat: ArrayLike, lon: ArrayLike, *, road_factor: float = 1.0) -> tuple[FloatArray, IntArray]:
        """(km to the nearest facility, its index) for each point; (inf, -1) when there is no facility at all."""
        count = int(np.size(lat))
        if self._tree is None or count == 0:
            return np.full(count, np.inf), np.full(count, -1, dtype=np.intp)
        chord, index = self._tree.query(unit_vectors(lat, lon), k=1)
        km = chord_to_km(np.asarray(chord, dtype=np.float64)) * road_factor
        return km, np.asarray(index, dtype=np.intp)
