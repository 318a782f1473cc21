"""The shape every format reads into and writes from: plain data, no ORM.

A PlaceData holds codes (Term codes, INSEE codes), never database ids. Its
attribute names are those of the Place model, so that the writer can copy
them field by field. `provided` says which fields the file actually carried:
a re-import only touches those, so that a source that knows nothing of
equipment does not erase the equipment a coordinator recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from directory.importers.towns import CommuneIndex


@dataclass(frozen=True, order=True)
class OperatorData:
    name: str
    siret: str = ""
    rna: str = ""
    website: str = ""


@dataclass(frozen=True, order=True)
class EquipmentData:
    kind: str
    quantity: int = 1
    notes: str = ""
    verified: bool = False


@dataclass(frozen=True, order=True)
class StopData:
    position: int
    commune: str
    location: str = ""
    schedule: str = ""
    notes: str = ""


# Many-to-many fields of Place and the vocabulary each draws its codes from.
TERM_FIELDS: dict[str, str] = {
    "typologies": "typology",
    "audiences": "audience",
    "publics": "public",
    "accessibility": "accessibility",
    "accessibility_no": "accessibility",
    "services": "service",
    "fees": "fee",
    "labels": "label",
    "access_modes": "access_mode",
    "support_modes": "support_mode",
}

# Plain model fields copied as they are.
SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "summary",
    "description",
    "address",
    "address_complement",
    "postcode",
    "latitude",
    "longitude",
    "point_source",
    "point_to_check",
    "access_directions",
    "phone",
    "email",
    "website",
    "booking_url",
    "acceslibre_url",
    "opening_hours",
    "opening_hours_note",
    "status",
    "status_date",
    "status_note",
    "is_itinerant",
    "is_remote",
    "fees_note",
    "source",
    "source_id",
    "licence",
    "date_maj",
    "verified",
    "verified_by",
    "needs_review",
    "review_note",
)

# Fields resolved against the database (INSEE codes, operators, Terms, children).
RELATED_FIELDS: tuple[str, ...] = ("commune", "operator", *TERM_FIELDS, "equipment", "stops")
ALL_FIELDS: frozenset[str] = frozenset(SCALAR_FIELDS + RELATED_FIELDS)


@dataclass
class PlaceData:
    name: str
    commune: str
    source: str
    source_id: str
    licence: str = "etalab-2.0"
    operator: OperatorData | None = None
    typologies: tuple[str, ...] = ()
    summary: str = ""
    description: str = ""
    address: str = ""
    address_complement: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    point_source: str = "source"
    point_to_check: bool = False
    access_directions: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    booking_url: str = ""
    acceslibre_url: str = ""
    opening_hours: str = ""
    opening_hours_note: str = ""
    status: str = "open"
    status_date: dt.date | None = None
    status_note: str = ""
    is_itinerant: bool = False
    is_remote: bool = False
    stops: tuple[StopData, ...] = ()
    audiences: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    accessibility_no: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    fees_note: str = ""
    labels: tuple[str, ...] = ()
    access_modes: tuple[str, ...] = ()
    support_modes: tuple[str, ...] = ()
    equipment: tuple[EquipmentData, ...] = ()
    date_maj: dt.date | None = None
    verified: bool = False
    verified_by: str = ""
    needs_review: bool = False
    review_note: str = ""
    provided: frozenset[str] = ALL_FIELDS

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.source_id)

    def normalized(self) -> PlaceData:
        """The same data with code lists sorted and deduplicated, children in a stable order."""
        changes: dict[str, Any] = {name: tuple(sorted(set(getattr(self, name)))) for name in TERM_FIELDS}
        changes["equipment"] = tuple(sorted(self.equipment))
        changes["stops"] = tuple(sorted(self.stops))
        return replace(self, **changes)

    def differs_from(self, other: PlaceData) -> list[str]:
        """Names of the provided fields whose value is not the same in other."""
        return [name for name in sorted(self.provided) if getattr(self, name) != getattr(other, name)]


PLACE_FIELD_NAMES: frozenset[str] = frozenset(f.name for f in fields(PlaceData)) - {"provided"}


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong in one row of a file, said in French for the person who sent it."""

    row: str  # "ligne 12", "lieu n° 3", or "fichier"
    name: str
    field: str
    message: str
    level: Level = Level.ERROR

    def __str__(self) -> str:
        where = self.row + (f" « {self.name} »" if self.name else "")
        what = f"{self.field} : {self.message}" if self.field else self.message
        return f"{where} — {what}"


@dataclass
class SourcedPlace:
    """A place read from a file, with where it came from for error messages."""

    row: str
    data: PlaceData


@dataclass
class ReadResult:
    places: list[SourcedPlace] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Rows left out on purpose (another département, a commune that cannot be found).
    skipped: list[Problem] = field(default_factory=list)
    filtered_out: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == Level.WARNING]


# Builds the index of the communes of some départements; given by the caller so that readers stay pure.
CommuneIndexLoader = Callable[[Iterable[str]], CommuneIndex]


@dataclass(frozen=True)
class ReadOptions:
    # Keep only the places of these départements; empty keeps everything.
    departements: tuple[str, ...] = ()
    far_point_km: float = 20.0
    load_communes: CommuneIndexLoader | None = None
