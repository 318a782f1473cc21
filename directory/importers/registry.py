"""The file formats places can be read from and written to, by name.

A format is a name, a French label and a reader and/or a writer working on
PlaceData, so that adding one (the national CSV standard, data·inclusion,
GeoJSON) is a new module and one `register` call, with nothing to change in
the commands or in the write path:

    FORMATS.register(PlaceFormat("geojson", "GeoJSON", write=write_geojson))
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from directory.importers.bfc import read_bfc
from directory.importers.data_inclusion import write_data_inclusion
from directory.importers.geojson import write_geojson
from directory.importers.mednum import left_out, national_places, write_mednum_csv, write_mednum_json
from directory.importers.mednum_reader import read_mednum
from directory.importers.native import read_native, write_native
from directory.importers.records import PlaceData, ReadOptions, ReadResult

Reader = Callable[[bytes, ReadOptions], ReadResult]
Writer = Callable[[Sequence[PlaceData]], bytes]


@dataclass(frozen=True)
class PlaceFormat:
    name: str
    label: str
    read: Reader | None = None
    write: Writer | None = None
    # The writer leaves out places closed for good (the open-data formats).
    public_only: bool = False
    # Among those, the places the writer keeps, as a query (for counts), and French lines on the others.
    selects: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    left_out: Callable[[Sequence[PlaceData]], list[str]] | None = None


class UnknownFormat(ValueError):
    pass


class FormatRegistry:
    def __init__(self) -> None:
        self._formats: dict[str, PlaceFormat] = {}

    def register(self, place_format: PlaceFormat) -> PlaceFormat:
        if place_format.name in self._formats:
            raise ValueError(f"format {place_format.name!r} is already registered")
        self._formats[place_format.name] = place_format
        return place_format

    def get(self, name: str) -> PlaceFormat:
        try:
            return self._formats[name]
        except KeyError:
            known = ", ".join(sorted(self._formats))
            raise UnknownFormat(f"format inconnu « {name} » : formats connus {known}") from None

    def readable(self) -> list[str]:
        return sorted(name for name, place_format in self._formats.items() if place_format.read)

    def writable(self) -> list[str]:
        return sorted(name for name, place_format in self._formats.items() if place_format.write)


FORMATS = FormatRegistry()
FORMATS.register(PlaceFormat("native", "Format aiguillage (JSON)", read=read_native, write=write_native))
FORMATS.register(PlaceFormat("bfc", "Cartographie MedNum BFC (CSV)", read=read_bfc))
# The national standard is read from CSV or JSON alike, under any of its three names.
FORMATS.register(
    PlaceFormat("mednum", "Schéma des lieux de médiation numérique, v1.0.x ou 0.1 (CSV ou JSON)", read=read_mednum)
)
FORMATS.register(
    PlaceFormat(
        "mednum-csv",
        "Schéma des lieux de médiation numérique v1.0.2 (CSV)",
        read=read_mednum,
        write=write_mednum_csv,
        public_only=True,
        selects=national_places,
        left_out=left_out,
    )
)
FORMATS.register(
    PlaceFormat(
        "mednum-json",
        "Schéma des lieux de médiation numérique v1.0.2 (JSON)",
        read=read_mednum,
        write=write_mednum_json,
        public_only=True,
        selects=national_places,
        left_out=left_out,
    )
)
FORMATS.register(
    PlaceFormat(
        "data-inclusion",
        "data·inclusion v1, structures et services (JSON)",
        write=write_data_inclusion,
        public_only=True,
    )
)
FORMATS.register(PlaceFormat("geojson", "GeoJSON, carte des lieux", write=write_geojson, public_only=True))
