"""Where each part of a record comes from: declared by the place, verified by the coordination, or the source's.

A record imported from a source says what the source said; once the place's own people or a coordinator set a
part of it, that part carries who and when (``Place.field_provenance``). The place page groups the parts by
origin; a re-import that changes a part gives it back to the source (directory/importers/writer.py).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


class By(models.TextChoices):
    PLACE = "place", "Déclaré par le lieu"
    COORDINATION = "coordination", "Vérifié par la coordination"


# The parts of a record the place page speaks of, in the page's order, with their names in a sentence.
PARTS: dict[str, str] = {
    "name": "nom",
    "summary": "présentation",
    "address": "adresse",
    "status": "état du lieu",
    "opening_hours": "horaires",
    "phone": "téléphone",
    "email": "courriel",
    "website": "site web",
    "services": "services",
    "equipment": "machines",
    "audiences": "publics accueillis",
    "publics": "ateliers",
    "accessibility": "accessibilité",
    "stops": "itinérance",
    "typologies": "type de lieu",
}

# Model or form field -> the part it belongs to.
FIELD_PARTS: dict[str, str] = {
    **{name: name for name in PARTS},
    "description": "summary",
    "address_complement": "address",
    "postcode": "address",
    "commune": "address",
    "commune_name": "address",
    "latitude": "address",
    "longitude": "address",
    "access_directions": "address",
    "opening_hours_note": "opening_hours",
    "status_date": "status",
    "status_note": "status",
    "booking_url": "website",
    "accessibility_no": "accessibility",
    "acceslibre_url": "accessibility",
    "is_itinerant": "stops",
}


def parts_of(fields: Iterable[str]) -> set[str]:
    """The parts that fields (model, form or history names) touch; unknown names are left out."""
    found = set()
    for name in fields:
        if name.startswith("acces_"):
            found.add("accessibility")
        elif name in FIELD_PARTS:
            found.add(FIELD_PARTS[name])
    return found


def mark(provenance: dict, parts: Iterable[str], *, by: str, on: dt.date) -> dict:
    """A copy of provenance where parts were set by ``by`` on ``on``."""
    updated = dict(provenance or {})
    for part in parts:
        if part in PARTS:
            updated[part] = {"by": str(by), "on": on.isoformat()}
    return updated


def forget(provenance: dict, fields: Iterable[str]) -> dict:
    """A copy of provenance where the parts fields touch are the source's again."""
    gone = parts_of(fields)
    return {part: value for part, value in (provenance or {}).items() if part not in gone}


@dataclass(frozen=True)
class Group:
    by: str
    label: str
    on: dt.date | None
    parts: tuple[str, ...]

    @property
    def sentence(self) -> str:
        return ", ".join(PARTS[part] for part in self.parts)


def groups(provenance: dict) -> list[Group]:
    """The record's parts grouped by who set them and when, the latest first; the source's parts are not listed."""
    keyed: dict[tuple[str, str], list[str]] = {}
    for part in PARTS:
        entry = (provenance or {}).get(part)
        if not entry or entry.get("by") not in By.values:
            continue
        keyed.setdefault((entry["by"], entry.get("on", "")), []).append(part)
    result = []
    for (by, on), parts in keyed.items():
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            day = None
        result.append(Group(by=by, label=By(by).label, on=day, parts=tuple(parts)))
    result.sort(key=lambda group: (group.on or dt.date.min, group.by), reverse=True)
    return result


def from_source(provenance: dict) -> bool:
    """Whether some part of the record still stands as its source gave it."""
    return any(part not in (provenance or {}) for part in PARTS)
