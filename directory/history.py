"""The history of a place: snapshots in the project's own data shape, diffs, and reverts.

A snapshot is the place as PlaceData (codes, never ids), turned into JSON
values; a change stores, for each field that moved, its value before and
after. Reverting writes the "before" values back through the importers'
writer, the same path every bulk write takes.
"""

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction

from accounts.models import User
from directory.importers.exporter import load_place_data
from directory.importers.records import (
    SCALAR_FIELDS,
    TERM_FIELDS,
    EquipmentData,
    OperatorData,
    PlaceData,
    SourcedPlace,
    StopData,
)
from directory.importers.writer import import_records
from directory.models import ChangeKind, Place, PlaceChange

# Provenance keys identify the record; they are not something a person edits.
UNTRACKED = {"source", "source_id", "licence"}
TRACKED: tuple[str, ...] = (
    *(name for name in SCALAR_FIELDS if name not in UNTRACKED),
    "commune",
    "operator",
    *TERM_FIELDS,
    "equipment",
    "stops",
)
EXTRA_LABELS = {"equipment": "équipements", "stops": "étapes de l'itinérance", "commune": "commune"}


class RevertConflict(Exception):
    """The fields were changed again since; reverting would erase that later work."""


def field_label(name: str) -> str:
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    return str(Place._meta.get_field(name).verbose_name)


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if dataclasses.is_dataclass(value):
        return {key: _to_json(item) for key, item in dataclasses.asdict(value).items()}
    return value


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ("date_maj", "status_date"):
        return dt.date.fromisoformat(value)
    if name in TERM_FIELDS:
        return tuple(value)
    if name == "equipment":
        return tuple(EquipmentData(**item) for item in value)
    if name == "stops":
        return tuple(StopData(**item) for item in value)
    if name == "operator":
        return OperatorData(**value)
    return value


def place_data(place_id: int) -> PlaceData:
    return load_place_data(Place.objects.filter(pk=place_id))[place_id]


def snapshot(place_id: int) -> dict[str, Any]:
    data = place_data(place_id)
    return {name: _to_json(getattr(data, name)) for name in TRACKED}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"before": before[name], "after": after[name]} for name in TRACKED if before[name] != after[name]}


def record_change(
    *,
    place: Place,
    actor: User | None,
    kind: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str = "",
    reverts: PlaceChange | None = None,
) -> PlaceChange | None:
    """Store what moved; an edit that moved nothing leaves no trace, a confirmation always does."""
    fields = diff(before, after)
    if not fields and kind != ChangeKind.CONFIRM:
        return None
    return PlaceChange.objects.create(place=place, actor=actor, kind=kind, fields=fields, note=note, reverts=reverts)


def revert_change(*, change: PlaceChange, actor: User) -> PlaceChange:
    """Put back the values a change replaced, unless they were changed again since."""
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=change.place_id)
        if PlaceChange.objects.filter(reverts=change).exists():
            raise RevertConflict("Cette modification a déjà été annulée.")
        if not change.fields:
            raise RevertConflict("Cette entrée ne change aucun champ : rien à annuler.")
        if change.kind == ChangeKind.CREATE:
            raise RevertConflict("Une création ne s'annule pas : fermez le lieu s'il n'existe pas.")
        current = snapshot(place.pk)
        moved = [name for name, values in change.fields.items() if current.get(name) != values["after"]]
        if moved:
            labels = ", ".join(field_label(name) for name in moved)
            raise RevertConflict(
                f"Impossible d'annuler : ces champs ont été modifiés depuis ({labels}). Corrigez la fiche à la main."
            )
        data = place_data(place.pk)
        restored = dataclasses.replace(
            data, **{name: _from_json(name, values["before"]) for name, values in change.fields.items()}
        )
        report = import_records([SourcedPlace(row="historique", data=restored)], actor=str(actor), dry_run=False)
        if not report.ok:
            raise RevertConflict("Impossible d'annuler : " + " ; ".join(str(error) for error in report.errors))
        reverted = record_change(
            place=place,
            actor=actor,
            kind=ChangeKind.REVERT,
            before=current,
            after=snapshot(place.pk),
            reverts=change,
            note=f"Annule la modification du {change.created_at:%d/%m/%Y à %H:%M}",
        )
        assert reverted is not None
        return reverted
