"""Complements: what we know about a place that its source does not say, kept apart from the source.

A complements file names places by (source, source_id) and the name it
expects them to have, and says what to add to their lists ("add") and which
fields to set ("set"), in the words of the native format. Complements are
applied to the records read from the source before they are written, so the
source stays as it is and each complement keeps its reason ("why").
"""

import json
from dataclasses import dataclass, replace
from typing import Any

from directory.importers.native import PLACE_KEYS, RowProblems, check_object, parse_fields
from directory.importers.records import TERM_FIELDS, PlaceData, Problem, SourcedPlace

FORMAT_NAME = "aiguillage-complements"
FORMAT_VERSION = 1
LIST_FIELDS = (*TERM_FIELDS, "equipment", "stops")
SETTABLE_KEYS = tuple(key for key in PLACE_KEYS if key not in LIST_FIELDS and key not in ("provenance", "name"))


@dataclass
class Complement:
    where: str
    source: str
    source_id: str
    name: str
    why: str
    add: dict[str, Any]
    set: dict[str, Any]


def read_complements(data: bytes) -> tuple[list[Complement], list[Problem]]:
    file_row = RowProblems("fichier", "")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        file_row.error("", f"fichier de compléments illisible : {error}")
        return [], file_row.problems
    check_object(file_row, "", document, ("format", "version", "about", "complements"))
    if file_row.problems:
        return [], file_row.problems
    if document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
        file_row.error("format", f"attendu « {FORMAT_NAME} » version {FORMAT_VERSION}")
        return [], file_row.problems
    complements: list[Complement] = []
    problems: list[Problem] = []
    for number, raw in enumerate(document.get("complements") or [], start=1):
        complement, raw_problems = _read_one(raw, f"complément n° {number}")
        problems.extend(raw_problems)
        if complement is not None:
            complements.append(complement)
    return complements, problems


def _read_one(raw: Any, where: str) -> tuple[Complement | None, list[Problem]]:
    row = RowProblems(where, "")
    data = check_object(row, "", raw, ("place", "why", "add", "set"))
    if data is None:
        return None, row.problems
    target = check_object(row, "place", data.get("place"), ("source", "source_id", "name"))
    if target is None:
        return None, row.problems
    source, source_id, name = (str(target.get(key) or "") for key in ("source", "source_id", "name"))
    row.name = name
    if not (source and source_id and name):
        row.error("place", "source, source_id et name sont obligatoires")
    if not str(data.get("why") or "").strip():
        row.error("why", "dites d'où vient le complément")
    add, _ = parse_fields(row, data.get("add") or {}, LIST_FIELDS)
    values, _ = parse_fields(row, data.get("set") or {}, SETTABLE_KEYS)
    if row.problems:
        return None, row.problems
    return Complement(where, source, source_id, name, str(data["why"]).strip(), add, values), row.problems


def apply_complements(records: list[SourcedPlace], complements: list[Complement]) -> list[Problem]:
    """Apply each complement to its record, in place; a complement whose place is missing is an error."""
    by_key = {record.data.key: record for record in records}
    problems: list[Problem] = []
    for complement in complements:
        record = by_key.get((complement.source, complement.source_id))
        if record is None:
            problems.append(
                Problem(
                    complement.where,
                    complement.name,
                    "place",
                    f"aucun lieu {complement.source} « {complement.source_id} » à compléter",
                )
            )
            continue
        if record.data.name != complement.name:
            problems.append(
                Problem(
                    complement.where,
                    complement.name,
                    "place.name",
                    f"le lieu {complement.source_id} s'appelle « {record.data.name} » : le complément ne le vise plus",
                )
            )
            continue
        record.data = merge(record.data, complement)
    return problems


def merge(place: PlaceData, complement: Complement) -> PlaceData:
    changes: dict[str, Any] = dict(complement.set)
    for name, items in complement.add.items():
        if name == "equipment":
            # A machine the complement names replaces the same kind from the source.
            kinds = {item.kind for item in items}
            changes[name] = tuple(item for item in place.equipment if item.kind not in kinds) + tuple(items)
        else:
            changes[name] = tuple(getattr(place, name)) + tuple(items)
    if "latitude" in changes:
        changes.setdefault("point_source", "source")
    return replace(place, **changes, provided=place.provided | frozenset(changes)).normalized()
