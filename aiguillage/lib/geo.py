"""Great-circle distances and bounding boxes, without a spatial database."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_from(lat1: float, lon1: float, points: Iterable[tuple[float, float]]) -> list[float]:
    """haversine_km from (lat1, lon1) to each (latitude, longitude), the same floats, in one loop: a search near
    a city measures thousands of points, and a call per point costs more than the arithmetic."""
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    phi1 = radians(lat1)
    cos_phi1 = cos(phi1)
    found = []
    for lat2, lon2 in points:
        phi2 = radians(lat2)
        a = sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * cos(phi2) * sin(radians(lon2 - lon1) / 2) ** 2
        found.append(2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a))))
    return found


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)
