"""The project's own file format: JSON holding every field of a place, codes only.

Documented in French in docs/format-lieux.md. Writing is deterministic
(places by source and identifier, code lists sorted, no timestamp), so that
export, import, export gives the same bytes. Reading checks the shape and
the values that need no database; codes and INSEE codes are checked by the
writer against the database.
"""

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from aiguillage.lib import opening_hours
from aiguillage.lib.phone import PhoneError, normalize_phone
from directory.importers.licences import credit_entries, licence_entries
from directory.importers.records import (
    TERM_FIELDS,
    EquipmentData,
    OperatorData,
    PlaceData,
    Problem,
    ReadOptions,
    ReadResult,
    SourcedPlace,
    StopData,
)
from directory.models import Equipment, ItinerantStop, Operator, Place, PlaceStatus, PointSource

FORMAT_NAME = "aiguillage-lieux"
FORMAT_VERSION = 1
TOP_LEVEL_KEYS = ("format", "version", "licences", "credits", "places")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

# Grouped keys of a place in the file -> PlaceData attribute, in file order.
GROUPS: dict[str, dict[str, str]] = {
    "address": {"street": "address", "complement": "address_complement", "postcode": "postcode", "commune": "commune"},
    "point": {"latitude": "latitude", "longitude": "longitude", "source": "point_source", "to_check": "point_to_check"},
    "contact": {"phone": "phone", "email": "email", "website": "website", "booking_url": "booking_url"},
    "status": {"code": "status", "date": "status_date", "note": "status_note"},
    "provenance": {"source": "source", "source_id": "source_id", "licence": "licence"},
    "freshness": {"date_maj": "date_maj", "verified": "verified", "verified_by": "verified_by"},
    "review": {"needs_review": "needs_review", "note": "review_note"},
}
# Keys of a place in file order; a group name stands for its object.
PLACE_KEYS: tuple[str, ...] = (
    "name",
    "operator",
    "typologies",
    "summary",
    "description",
    "address",
    "point",
    "access_directions",
    "contact",
    "opening_hours",
    "opening_hours_note",
    "status",
    "is_itinerant",
    "is_remote",
    "stops",
    "audiences",
    "publics",
    "accessibility",
    "accessibility_no",
    "acceslibre_url",
    "services",
    "fees",
    "fees_note",
    "labels",
    "access_modes",
    "support_modes",
    "equipment",
    "provenance",
    "freshness",
    "review",
)
BOOLEANS = frozenset({"point_to_check", "is_itinerant", "is_remote", "verified", "needs_review"})
DATES = frozenset({"status_date", "date_maj"})
CHOICES: dict[str, tuple[str, ...]] = {
    "status": tuple(PlaceStatus.values),
    "point_source": tuple(PointSource.values),
}
URLS = frozenset({"website", "booking_url", "acceslibre_url"})
REQUIRED = ("name", "commune", "source", "source_id")
_url_validator = URLValidator(schemes=["http", "https"])


class RowProblems:
    """Collects the problems of one place while its fields are read."""

    def __init__(self, where: str, name: str) -> None:
        self.where = where
        self.name = name
        self.problems: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.name, path, message))


def _max_length(model: type, attribute: str) -> int | None:
    return getattr(model._meta.get_field(attribute), "max_length", None)


def _text(row: RowProblems, path: str, value: Any, max_length: int | None) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        row.error(path, "doit être un texte")
        return None
    if max_length is not None and len(value) > max_length:
        row.error(path, f"texte trop long ({len(value)} caractères, {max_length} au plus)")
        return None
    return value


def _bool(row: RowProblems, path: str, value: Any) -> bool | None:
    if not isinstance(value, bool):
        row.error(path, "doit valoir true ou false")
        return None
    return value


def _date(row: RowProblems, path: str, value: Any) -> dt.date | None | bool:
    """The date, None for null, False when invalid (already reported)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    row.error(path, f"date invalide « {value} » : format attendu AAAA-MM-JJ")
    return False


def _codes(row: RowProblems, path: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        row.error(path, 'doit être une liste de codes, par exemple ["3d_printer"]')
        return None
    return tuple(sorted({item.strip() for item in value if item.strip()}))


def _scalar(row: RowProblems, attribute: str, path: str, value: Any) -> tuple[bool, Any]:
    """(ok, value) for a plain attribute of PlaceData."""
    if attribute in BOOLEANS:
        checked = _bool(row, path, value)
        return checked is not None, checked
    if attribute in DATES:
        date = _date(row, path, value)
        return date is not False, date
    if attribute in ("latitude", "longitude"):
        limit = 90 if attribute == "latitude" else 180
        if value is None:
            return True, None
        if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
            row.error(path, f"doit être un nombre entre -{limit} et {limit}")
            return False, None
        return True, float(value)
    text = _text(row, path, value, _max_length(Place, attribute))
    if text is None:
        return False, None
    if attribute in CHOICES and text not in CHOICES[attribute]:
        row.error(path, f"valeur inconnue « {text} » : valeurs permises {', '.join(CHOICES[attribute])}")
        return False, None
    if attribute == "commune" and not INSEE_CODE.match(text):
        row.error(path, f"code INSEE invalide « {text} » : cinq caractères, par exemple 58194")
        return False, None
    if attribute == "postcode" and text and not re.fullmatch(r"\d{5}", text):
        row.error(path, f"code postal invalide « {text} »")
        return False, None
    if attribute == "email" and text:
        try:
            validate_email(text)
        except ValidationError:
            row.error(path, f"adresse électronique invalide « {text} »")
            return False, None
    if attribute == "phone" and text:
        try:
            text = normalize_phone(text)
        except PhoneError:
            row.error(path, f"numéro de téléphone invalide « {text} » : par exemple 03 86 12 34 56 ou +33386123456")
            return False, None
    if attribute in URLS and text:
        try:
            _url_validator(text)
        except ValidationError:
            row.error(path, f"adresse web invalide « {text} » : elle doit commencer par http:// ou https://")
            return False, None
    if attribute == "opening_hours" and text:
        try:
            opening_hours.check(text)
        except opening_hours.OpeningHoursError as error:
            row.error(path, str(error))
            return False, None
    return True, text


def check_object(row: RowProblems, path: str, value: Any, keys: Sequence[str]) -> dict[str, Any] | None:
    """The known keys of value; unknown ones are reported (a typo must not pass unnoticed). None if not an object."""
    if not isinstance(value, dict):
        row.error(path, "doit être un objet { … }")
        return None
    for key in sorted(set(value) - set(keys)):
        row.error(f"{path}.{key}" if path else key, "champ inconnu")
    return {key: item for key, item in value.items() if key in keys}


def _operator(row: RowProblems, value: Any) -> tuple[bool, OperatorData | None]:
    if value is None:
        return True, None
    data = check_object(row, "operator", value, ("name", "siret", "rna", "website"))
    if data is None:
        return False, None
    parts: dict[str, str] = {}
    ok = True
    for key in ("name", "siret", "rna", "website"):
        text = _text(row, f"operator.{key}", data.get(key, ""), _max_length(Operator, key))
        if text is None:
            ok = False
        else:
            parts[key] = text
    if ok and not parts["name"].strip():
        row.error("operator.name", "champ obligatoire manquant")
        ok = False
    if ok and parts["siret"] and not re.fullmatch(r"\d{14}", parts["siret"]):
        row.error("operator.siret", "un SIRET a 14 chiffres")
        ok = False
    if ok and parts["website"]:
        try:
            _url_validator(parts["website"])
        except ValidationError:
            row.error("operator.website", f"adresse web invalide « {parts['website']} »")
            ok = False
    return ok, OperatorData(**parts) if ok else None


def _equipment(row: RowProblems, value: Any) -> tuple[EquipmentData, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list):
        row.error("equipment", "doit être une liste")
        return None
    items: list[EquipmentData] = []
    kinds: set[str] = set()
    ok = True
    for number, raw in enumerate(value, start=1):
        path = f"equipment[{number}]"
        data = check_object(row, path, raw, ("kind", "quantity", "notes", "verified"))
        if data is None:
            ok = False
            continue
        kind = _text(row, f"{path}.kind", data.get("kind"), 50)
        quantity = data.get("quantity", 1)
        notes = _text(row, f"{path}.notes", data.get("notes", ""), _max_length(Equipment, "notes"))
        verified = _bool(row, f"{path}.verified", data.get("verified", False))
        if not kind:
            if kind is not None:
                row.error(f"{path}.kind", "champ obligatoire manquant")
            ok = False
            continue
        if kind in kinds:
            row.error(f"{path}.kind", f"machine « {kind} » en double : indiquez plutôt un nombre (quantity)")
            ok = False
        kinds.add(kind)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 32767:
            row.error(f"{path}.quantity", "doit être un nombre entier d'au moins 1")
            ok = False
            continue
        if notes is None or verified is None:
            ok = False
            continue
        items.append(EquipmentData(kind=kind, quantity=quantity, notes=notes, verified=verified))
    return tuple(sorted(items)) if ok else None


def _stops(row: RowProblems, value: Any) -> tuple[StopData, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list):
        row.error("stops", "doit être une liste")
        return None
    stops: list[StopData] = []
    ok = True
    for number, raw in enumerate(value, start=1):
        path = f"stops[{number}]"
        data = check_object(row, path, raw, ("commune", "location", "schedule", "notes", "position"))
        if data is None:
            ok = False
            continue
        texts = {
            key: _text(row, f"{path}.{key}", data.get(key, ""), _max_length(ItinerantStop, key))
            for key in ("commune", "location", "schedule", "notes")
        }
        position = data.get("position", number)
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 32767:
            row.error(f"{path}.position", "doit être un nombre entier positif")
            ok = False
        commune, schedule = texts["commune"], texts["schedule"]
        if commune is not None and not INSEE_CODE.match(commune):
            row.error(f"{path}.commune", f"code INSEE invalide « {commune} »")
            ok = False
        if schedule:
            try:
                opening_hours.check(schedule)
            except opening_hours.OpeningHoursError as error:
                row.error(f"{path}.schedule", str(error))
                ok = False
        if not ok or any(text is None for text in texts.values()):
            ok = False
            continue
        stops.append(StopData(position=position, **{key: text or "" for key, text in texts.items()}))
    return tuple(sorted(stops)) if ok else None


def parse_fields(row: RowProblems, raw: Any, allowed: Sequence[str]) -> tuple[dict[str, Any], bool]:
    """PlaceData attributes found in a place object (or a part of one), and whether all were valid."""
    problems_before = len(row.problems)
    values: dict[str, Any] = {}
    known = check_object(row, "", raw, allowed)
    for key, value in (known or {}).items():
        if key in GROUPS:
            group = check_object(row, key, value, tuple(GROUPS[key]))
            for sub_key, sub_value in (group or {}).items():
                attribute = GROUPS[key][sub_key]
                valid, checked = _scalar(row, attribute, f"{key}.{sub_key}", sub_value)
                if valid:
                    values[attribute] = checked
        elif key in TERM_FIELDS:
            codes = _codes(row, key, value)
            if codes is not None:
                values[key] = codes
        elif key == "operator":
            valid, operator = _operator(row, value)
            if valid:
                values[key] = operator
        elif key in ("equipment", "stops"):
            items = _equipment(row, value) if key == "equipment" else _stops(row, value)
            if items is not None:
                values[key] = items
        else:
            valid, checked = _scalar(row, key, key, value)
            if valid:
                values[key] = checked
    if ("latitude" in values) != ("longitude" in values):
        row.error("point", "latitude et longitude vont ensemble")
    return values, len(row.problems) == problems_before


def parse_place(raw: Any, where: str) -> tuple[PlaceData | None, list[Problem]]:
    name = raw.get("name") if isinstance(raw, dict) else None
    row = RowProblems(where, name.strip() if isinstance(name, str) else "")
    if not isinstance(raw, dict):
        row.error("", "un lieu doit être un objet { … }")
        return None, row.problems
    values, ok = parse_fields(row, raw, PLACE_KEYS)
    for attribute in REQUIRED:
        path = _path_of(attribute)
        missing = not str(values.get(attribute) or "").strip()
        if missing and not any(problem.field == path for problem in row.problems):
            row.error(path, "champ obligatoire manquant")
            ok = False
    if not ok:
        return None, row.problems
    provided = frozenset(values)
    if "latitude" in values:
        # A point given without its origin comes from the file.
        provided |= {"point_source", "point_to_check"}
    return PlaceData(**values, provided=provided), row.problems


def _path_of(attribute: str) -> str:
    for group, keys in GROUPS.items():
        for key, mapped in keys.items():
            if mapped == attribute:
                return f"{group}.{key}"
    return attribute


def insee_departement(code: str) -> str:
    if code.startswith("97"):
        return code[:3]
    return code[:2]


def read_native(data: bytes, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        result.problems.append(Problem("fichier", "", "", f"le fichier n'est pas en UTF-8 ({error.reason})"))
        return result
    except json.JSONDecodeError as error:
        result.problems.append(
            Problem("fichier", "", "", f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}")
        )
        return result
    file_row = RowProblems("fichier", "")
    if check_object(file_row, "", document, TOP_LEVEL_KEYS) is None:
        result.problems.extend(file_row.problems)
        return result
    if document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
        file_row.error("format", f"attendu « {FORMAT_NAME} » version {FORMAT_VERSION}")
    if not isinstance(document.get("places"), list):
        file_row.error("places", "doit être une liste de lieux")
    if file_row.problems:
        result.problems.extend(file_row.problems)
        return result

    seen: dict[tuple[str, str], str] = {}
    for number, raw in enumerate(document["places"], start=1):
        where = f"lieu n° {number}"
        place, problems = parse_place(raw, where)
        result.problems.extend(problems)
        if place is None:
            continue
        if options.departements and insee_departement(place.commune) not in options.departements:
            result.filtered_out += 1
            continue
        if place.key in seen:
            result.problems.append(
                Problem(where, place.name, "provenance", f"même source et même identifiant que le {seen[place.key]}")
            )
            continue
        seen[place.key] = where
        result.places.append(SourcedPlace(where, place))
    return result


def place_to_dict(place: PlaceData) -> dict[str, Any]:
    place = place.normalized()
    grouped = {attribute for keys in GROUPS.values() for attribute in keys.values()}

    def value(attribute: str) -> Any:
        raw = getattr(place, attribute)
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if attribute in ("latitude", "longitude") and raw is not None:
            return round(raw, 6)
        return raw

    document: dict[str, Any] = {}
    for key in PLACE_KEYS:
        if key in GROUPS:
            document[key] = {sub_key: value(attribute) for sub_key, attribute in GROUPS[key].items()}
        elif key in TERM_FIELDS:
            document[key] = list(getattr(place, key))
        elif key == "operator":
            operator = place.operator
            document[key] = None if operator is None else asdict(operator)
        elif key == "equipment":
            document[key] = [asdict(item) for item in place.equipment]
        elif key == "stops":
            document[key] = [
                {
                    "commune": s.commune,
                    "location": s.location,
                    "schedule": s.schedule,
                    "notes": s.notes,
                    "position": s.position,
                }
                for s in place.stops
            ]
        elif key not in grouped:
            document[key] = value(key)
    return document


def write_native(places: Sequence[PlaceData]) -> bytes:
    ordered = sorted(places, key=lambda place: place.key)
    used = [(place.source, place.licence) for place in ordered]
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "licences": licence_entries(used),
        "credits": credit_entries(used),
        "places": [place_to_dict(place) for place in ordered],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
