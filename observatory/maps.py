"""Maps drawn on the server as light SVG: communes' outlines, filled by class with a pattern and a colour, and
markers for places.

The outlines are drawn once per page, in a hidden ``<defs>`` (templates/observatory/_map_defs.html), and each map
refers to them with ``<use>``: a page with the map before and the maps of two scenarios carries the geometry once.
Coordinates are projected on a plane tangent at the middle latitude (longitude × cos φ₀), exact enough for a
département, and written as whole units of a 1,000-unit-wide drawing, each point relative to the previous one.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache

from territory.models import CommuneOutline

WIDTH = 1000
MARGIN = 12
OUTLINES_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Frame:
    min_lon: float
    max_lat: float
    kx: float
    scale: float
    width: int
    height: int

    def point(self, latitude: float, longitude: float) -> tuple[float, float]:
        return (
            MARGIN + (longitude - self.min_lon) * self.kx * self.scale,
            MARGIN + (self.max_lat - latitude) * self.scale,
        )

    def holds(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height


def frame_for(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Frame:
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-6)
    scale = (WIDTH - 2 * MARGIN) / span_x
    height = int(math.ceil((max_lat - min_lat) * scale)) + 2 * MARGIN
    return Frame(min_lon, max_lat, kx, scale, WIDTH, height)


def _ring_path(ring: Sequence[Sequence[float]], frame: Frame) -> str:
    coordinates = np.asarray(ring, dtype=np.float64)
    if len(coordinates) > 1 and np.array_equal(coordinates[0], coordinates[-1]):
        coordinates = coordinates[:-1]  # "z" closes the ring
    x = np.rint(MARGIN + (coordinates[:, 0] - frame.min_lon) * frame.kx * frame.scale).astype(np.int64)
    y = np.rint(MARGIN + (frame.max_lat - coordinates[:, 1]) * frame.scale).astype(np.int64)
    dx, dy = np.diff(x), np.diff(y)
    moved = (dx != 0) | (dy != 0)
    if moved.sum() < 2:
        return ""  # smaller than a unit of the drawing
    steps = " ".join(f"{a} {b}" for a, b in zip(dx[moved].tolist(), dy[moved].tolist(), strict=True))
    return f"M{x[0]} {y[0]}l{steps}z"


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _bounds(geometries: Iterable[dict]) -> tuple[float, float, float, float]:
    lons, lats = [], []
    for geometry in geometries:
        for polygon in _polygons(geometry):
            ring = np.asarray(polygon[0])
            lons += [ring[:, 0].min(), ring[:, 0].max()]
            lats += [ring[:, 1].min(), ring[:, 1].max()]
    return min(lons), min(lats), max(lons), max(lats)


@dataclass(frozen=True)
class Outlines:
    frame: Frame
    paths: dict[str, str]  # INSEE code → SVG path data


def _draw(codes: Sequence[str]) -> Outlines | None:
    stored = dict(CommuneOutline.objects.filter(commune__code__in=codes).values_list("commune__code", "geometry"))
    if not stored:
        return None
    geometries = {code: json.loads(text) for code, text in stored.items()}
    frame = frame_for(*_bounds(geometries.values()))
    paths = {
        code: "".join(_ring_path(ring, frame) for polygon in _polygons(geometry) for ring in polygon)
        for code, geometry in geometries.items()
    }
    return Outlines(frame, paths)


def outlines_for(codes: Sequence[str]) -> Outlines | None:
    """The projected outlines of these communes (None when none is loaded), kept an hour in the cache."""
    latest = (
        CommuneOutline.objects.filter(commune__code__in=codes)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    if latest is None:
        return None
    digest = hashlib.sha1(",".join(sorted(codes)).encode() + latest.isoformat().encode()).hexdigest()
    return cache.get_or_set(f"observatory:outlines:{digest}", lambda: _draw(codes), timeout=OUTLINES_TTL_SECONDS)


@dataclass(frozen=True)
class Area:
    code: str
    pattern: str  # id of a <pattern> of _map_defs.html
    title: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    shape: str  # "place", "stop" or "site"
    label: str  # a number for a new site, else empty
    title: str

    @property
    def triangle(self) -> str:
        return f"M{self.x} {round(self.y - 10, 1)}l10 16h-20z"


@dataclass(frozen=True)
class LegendItem:
    pattern: str
    label: str
    detail: str = ""


@dataclass
class Map:
    id: str
    title: str
    description: str
    frame: Frame
    areas: list[Area]
    legend: list[LegendItem]
    markers: list[Marker] = field(default_factory=list)
    marker_legend: list[LegendItem] = field(default_factory=list)


def place_markers(frame: Frame, points: Iterable[tuple[float, float, bool, str]]) -> list[Marker]:
    """(latitude, longitude, is_stop, title) → markers, once per spot, leaving out what falls off the map."""
    markers, seen = [], set()
    for latitude, longitude, stop, title in points:
        x, y = frame.point(latitude, longitude)
        spot = (round(x), round(y), stop)
        if not frame.holds(x, y) or spot in seen:
            continue
        seen.add(spot)
        markers.append(Marker(round(x, 1), round(y, 1), "stop" if stop else "place", "", title))
    return markers


def site_markers(frame: Frame, sites: Iterable[tuple[Sequence[tuple[float, float]], str]]) -> list[Marker]:
    """New sites of a scenario, numbered from 1 in the order given; an itinerant one at each of its stops."""
    markers = []
    for number, (points, title) in enumerate(sites, start=1):
        for latitude, longitude in points:
            x, y = frame.point(latitude, longitude)
            if frame.holds(x, y):
                markers.append(Marker(round(x, 1), round(y, 1), "site", str(number), f"{number}. {title}"))
    return markers
