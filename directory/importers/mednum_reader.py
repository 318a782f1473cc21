"""The national standard, read: CSV or JSON, v1.0.x and the 0.1 fields of 2022.

A place is found again by its identifier: `<source>--<source_id>` when the
file was written by us (or by data·inclusion's convention), otherwise the
row's `source` column made a code (`Hubik` -> `hubik`) and its `id`. A row
with no name, no identifier or a commune we cannot find is an error, and the
file is refused; an unknown value in a list, an unreadable telephone, URL,
date or opening hours is reported and left out, and the row is kept.
Only the columns the file has are touched on a re-import.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.text import slugify

from aiguillage.lib import opening_hours
from aiguillage.lib.geo import haversine_km
from aiguillage.lib.phone import PhoneError, normalize_phone
from aiguillage.lib.text import fold
from directory.importers.licences import source_licence
from directory.importers.mednum import COLUMNS, NO_PIVOT, SEPARATOR
from directory.importers.mednum_extras import BLOCK_FIELDS, Extras, operator_from, parse_block, split_detail
from directory.importers.mednum_terms import COLUMN_FIELDS, TermIndex
from directory.importers.native import insee_departement
from directory.importers.publishing import split_public_id
from directory.importers.records import Level, PlaceData, Problem, ReadOptions, ReadResult, SourcedPlace
from directory.importers.towns import CommuneIndex, CommuneRef, departement_of_postcode, match_town
from directory.models import Operator, Place

# Columns of the 0.1 standard that 1.0 renamed or split.
LEGACY_COLUMNS = ("publics_accueillis", "conditions_acces", "labels_nationaux", "labels_autres", "courriel")
IGNORED_COLUMNS = ("cle_ban",)
KNOWN_COLUMNS = frozenset(COLUMNS) | set(LEGACY_COLUMNS) | {"accessibilite", *IGNORED_COLUMNS}
# The attributes each enumerated column fills.
COLUMN_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    **{column: (attribute,) for column, (attribute, _) in COLUMN_FIELDS.items()},
    "publics_accueillis": ("publics", "accessibility"),
    "conditions_acces": ("fees", "labels"),
    "labels_nationaux": ("labels",),
}
DEFAULT_SOURCE = "mednum"
_url_validator = URLValidator(schemes=["http", "https"])
_SPLIT = re.compile(r"\s*[|;]\s*")


def _max(model: type[models.Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)


@dataclass
class Row:
    where: str
    cells: dict[str, str]
    name: str = ""
    problems: list[Problem] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.name, column, message))

    def warn(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.name, column, message, Level.WARNING))

    def text(self, column: str) -> str:
        """A one-line value: line breaks become spaces, other spacing is kept as the file has it."""
        return " ".join(self.cells.get(column, "").splitlines()).strip()


def read_mednum(data: bytes, options: ReadOptions, terms: TermIndex | None = None) -> ReadResult:
    result = ReadResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        result.problems.append(Problem("fichier", "", "", f"le fichier n'est pas en UTF-8 ({error.reason})"))
        return result
    is_json = text.lstrip()[:1] in ("[", "{")
    rows, columns, problems = _json_rows(text) if is_json else _csv_rows(text)
    result.problems.extend(problems)
    if problems or (is_json and not rows):
        return result
    missing = [name for name in ("id", "nom") if name not in columns]
    if "code_insee" not in columns and "commune" not in columns:
        missing.append("code_insee ou commune")
    if missing:
        message = "colonnes absentes : " + ", ".join(missing)
        result.problems.append(Problem("fichier", "", "", message + " ; est-ce bien un fichier du standard national ?"))
        return result
    unknown = sorted(columns - KNOWN_COLUMNS)
    if unknown:
        result.problems.append(
            Problem("fichier", "", "", "colonnes inconnues, ignorées : " + ", ".join(unknown), Level.WARNING)
        )

    kept = []
    for row in rows:
        departement = _departement(row)
        if options.departements and departement not in options.departements:
            result.filtered_out += 1
            continue
        kept.append(row)
    if not kept:
        return result
    if options.load_communes is None:
        raise ValueError("read_mednum needs options.load_communes to find communes")
    index = options.load_communes(sorted({_departement(row) for row in kept} - {""}))
    terms = terms or TermIndex.from_database()
    reader = _RowReader(columns, terms, index, options)
    for row in kept:
        place = reader.read(row)
        result.problems.extend(row.problems)
        if place is not None:
            result.places.append(SourcedPlace(row.where, place))
    return result


def _csv_rows(text: str) -> tuple[list[Row], frozenset[str], list[Problem]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        rows: list[Row] = []
        last_line = reader.line_num
        for cells in reader:
            where = f"ligne {last_line + 1}"
            last_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(Row(where, dict(zip(header, cells, strict=False))))
    except csv.Error as error:
        return [], frozenset(), [Problem("fichier", "", "", f"CSV illisible ligne {reader.line_num} : {error}")]
    return rows, frozenset(header), []


def _json_rows(text: str) -> tuple[list[Row], frozenset[str], list[Problem]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}"
        return [], frozenset(), [Problem("fichier", "", "", message)]
    items = document.get("lieux") if isinstance(document, dict) else document
    if not isinstance(items, list):
        return [], frozenset(), [Problem("fichier", "", "", "attendu une liste de lieux, ou un objet avec « lieux »")]
    rows: list[Row] = []
    columns: set[str] = set()
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        where = f"lieu n° {number}"
        if not isinstance(item, dict):
            problems.append(Problem(where, "", "", "un lieu doit être un objet { … }"))
            continue
        cells = {str(key).strip().lower(): _json_cell(value) for key, value in item.items()}
        columns |= set(cells)
        rows.append(Row(where, cells))
    return rows, frozenset(columns), problems


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(_json_cell(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _departement(row: Row) -> str:
    code = row.text("code_insee").upper()
    if re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        return insee_departement(code)
    return departement_of_postcode(row.text("code_postal"))


def _values(cell: str) -> list[str]:
    return [value for value in _SPLIT.split(cell.strip()) if value]


class _RowReader:
    def __init__(self, columns: frozenset[str], terms: TermIndex, index: CommuneIndex, options: ReadOptions) -> None:
        self.columns = columns
        self.terms = terms
        self.index = index
        self.options = options
        self.legacy = any(column in columns for column in LEGACY_COLUMNS)

    def has(self, *names: str) -> bool:
        return any(name in self.columns for name in names)

    def read(self, row: Row) -> PlaceData | None:
        row.name = row.text("nom")
        identifier = row.cells.get("id", "").strip()
        if not identifier:
            row.error("id", "champ obligatoire manquant")
        if not row.name:
            row.error("nom", "champ obligatoire manquant")
        elif len(row.name) > _max(Place, "name"):
            row.error("nom", f"nom trop long ({len(row.name)} caractères, {_max(Place, 'name')} au plus)")
        key = split_public_id(identifier) or (slugify(row.text("source"))[:50] or DEFAULT_SOURCE, identifier)
        if identifier and len(key[1]) > _max(Place, "source_id"):
            row.error("id", f"identifiant trop long ({len(key[1])} caractères, 100 au plus)")
        point = self._point(row)
        commune = self._commune(row, point)
        if commune is None or any(problem.level == Level.ERROR for problem in row.problems):
            return None

        values: dict[str, Any] = {"name": row.name, "commune": commune.code, "source": key[0], "source_id": key[1]}
        provided = set(values)
        self._place_fields(row, commune, point, values, provided)
        lists = self._lists(row, provided)
        detail = row.cells.get("presentation_detail", "")
        description, block = split_detail(detail)
        extras = parse_block(block, self.terms) if block is not None else None
        if self.has("presentation_detail"):
            values["description"] = description
            provided.add("description")
        licence = source_licence(key[0])
        if extras is not None:
            for message in extras.warnings:
                row.warn("presentation_detail", message)
            for attribute, codes in extras.lists.items():
                lists.setdefault(attribute, []).extend(codes)
                provided.add(attribute)
            values.update(extras.values)
            provided |= BLOCK_FIELDS
            if extras.phone and not values.get("phone"):
                values["phone"] = extras.phone[: _max(Place, "phone")]
                provided.add("phone")
            if extras.licence:
                licence = extras.licence
                provided.add("licence")
        values["licence"] = licence
        for attribute, codes in lists.items():
            values[attribute] = tuple(sorted(set(codes)))
        self._operator(row, values, provided, extras)
        return PlaceData(**values, provided=frozenset(provided))

    def _point(self, row: Row) -> tuple[float, float] | None:
        raw = (row.text("latitude"), row.text("longitude"))
        if not any(raw):
            return None
        try:
            latitude, longitude = (float(value.replace(",", ".")) for value in raw)
        except ValueError:
            latitude = longitude = 999.0
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            row.warn("latitude/longitude", f"point illisible « {raw[0]} ; {raw[1]} » : point de la commune utilisé")
            return None
        return latitude, longitude

    def _commune(self, row: Row, point: tuple[float, float] | None) -> CommuneRef | None:
        code = row.text("code_insee").upper()
        town, postcode = row.text("commune"), row.text("code_postal")
        if code in self.index:
            return self.index.by_code[code]
        match = match_town(town, postcode, "", self.index, point=point) if town or postcode else None
        found = match.commune if match else None
        if found is None:
            what = f"code INSEE « {code} » inconnu" if code else "commune introuvable"
            row.error("code_insee" if code else "commune", f"{what} : « {town} » ({postcode or 'sans code postal'})")
            return None
        if code:
            row.warn(
                "code_insee",
                f"code INSEE « {code} » inconnu : lieu placé à {found.name} ({found.code}) d'après son nom",
            )
        elif match is not None and match.alternatives:
            others = ", ".join(f"{c.name} ({c.code})" for c in match.alternatives[:3])
            row.warn("commune", f"« {town} » lu comme {found.name} ({found.code}), plutôt que {others}")
        return found

    def _place_fields(
        self,
        row: Row,
        commune: CommuneRef,
        point: tuple[float, float] | None,
        values: dict[str, Any],
        provided: set[str],
    ) -> None:
        def take(column: str, attribute: str, value: Any) -> None:
            if self.has(column):
                values[attribute] = value
                provided.add(attribute)

        address = row.text("adresse")
        if fold(address) in (fold(commune.name), fold(row.text("commune"))):
            address = ""
        take("adresse", "address", self._limited(row, "adresse", address, _max(Place, "address")))
        take(
            "complement_adresse",
            "address_complement",
            self._limited(row, "complement_adresse", row.text("complement_adresse"), _max(Place, "address_complement")),
        )
        postcode = row.text("code_postal")
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            row.warn("code_postal", f"code postal invalide « {postcode} », ignoré")
            postcode = ""
        take("code_postal", "postcode", postcode)
        if self.has("latitude", "longitude"):
            self._place_point(row, commune, point, values, provided)
        take("telephone", "phone", self._phone(row))
        take("courriels", "email", self._email(row, "courriels"))
        take("courriel", "email", self._email(row, "courriel"))
        take("site_web", "website", self._url(row, "site_web", several=True))
        take("prise_rdv", "booking_url", self._url(row, "prise_rdv"))
        take("horaires", "opening_hours", self._hours(row))
        take("presentation_resume", "summary", self._summary(row))
        take("itinerance", "is_itinerant", self._itinerant(row))
        date = self._date(row)
        if date is not False:
            take("date_maj", "date_maj", date)
        # The v0.1 standard called the Acceslibre record "accessibilite".
        take("fiche_acces_libre", "acceslibre_url", self._url(row, "fiche_acces_libre"))
        if not self.has("fiche_acces_libre"):
            take("accessibilite", "acceslibre_url", self._url(row, "accessibilite"))

    def _place_point(
        self,
        row: Row,
        commune: CommuneRef,
        point: tuple[float, float] | None,
        values: dict[str, Any],
        provided: set[str],
    ) -> None:
        provided |= {"latitude", "longitude"}
        if point is None:
            values.update(latitude=None, longitude=None)
            provided.add("point_source")
            return
        distance = haversine_km(point[0], point[1], commune.latitude, commune.longitude)
        if distance <= self.options.far_point_km:
            values.update(latitude=point[0], longitude=point[1])
            return
        message = (
            f"le point fourni était à {distance:.0f} km de la commune ({commune.name}) : "
            "remplacé par le point de la commune, à vérifier"
        )
        row.warn("latitude/longitude", message)
        values.update(
            latitude=commune.latitude,
            longitude=commune.longitude,
            point_source="commune",
            point_to_check=True,
            needs_review=True,
            review_note=f"latitude/longitude : {message}.",
        )
        provided |= {"point_source", "point_to_check", "needs_review", "review_note"}

    def _limited(self, row: Row, column: str, text: str, limit: int) -> str:
        if len(text) > limit:
            row.warn(column, f"texte trop long ({len(text)} caractères, {limit} au plus) : coupé")
            return text[: limit - 1] + "…"
        return text

    def _first(self, row: Row, column: str, values: list[str], check: Callable[[str], str | None]) -> str:
        kept = ""
        for value in values:
            checked = check(value)
            if checked is None:
                row.warn(column, f"valeur invalide « {value} », ignorée")
            elif kept:
                row.warn(column, f"une seule valeur est gardée : « {value} » ignorée")
            else:
                kept = checked
        return kept

    def _phone(self, row: Row) -> str:
        def check(value: str) -> str | None:
            try:
                return normalize_phone(value)
            except PhoneError:
                return None

        return self._first(
            row, "telephone", [v.strip() for v in row.text("telephone").split(SEPARATOR) if v.strip()], check
        )

    def _email(self, row: Row, column: str) -> str:
        def check(value: str) -> str | None:
            try:
                validate_email(value)
            except ValidationError:
                return None
            return value if len(value) <= _max(Place, "email") else None

        return self._first(
            row, column, re.split(r"[|;,\s]+", row.text(column).strip()) if row.text(column) else [], check
        )

    def _url(self, row: Row, column: str, *, several: bool = False) -> str:
        def check(value: str) -> str | None:
            url = value if "://" in value else "http://" + value
            try:
                _url_validator(url)
            except ValidationError:
                return None
            return url if len(url) <= _max(Place, "website") else None

        cell = row.text(column)
        separators = r"\s*\|\s*" if not (several and self.legacy) else r"\s*[|,]\s*"
        values = [v for v in re.split(separators, cell) if v] if several else ([cell] if cell else [])
        return self._first(row, column, values, check)

    def _hours(self, row: Row) -> str:
        value = row.text("horaires")
        if not value:
            return ""
        try:
            opening_hours.check(value)
        except opening_hours.OpeningHoursError as error:
            row.warn("horaires", f"{error} Horaires ignorés.")
            return ""
        return self._limited(row, "horaires", value, _max(Place, "opening_hours"))

    def _summary(self, row: Row) -> str:
        value = row.cells.get("presentation_resume", "").strip()
        limit = _max(Place, "summary")
        if len(value) > limit:
            row.warn("presentation_resume", f"résumé de {len(value)} caractères coupé à {limit}")
            return value[: limit - 1] + "…"
        return value

    def _itinerant(self, row: Row) -> bool:
        found = False
        for value in _values(row.cells.get("itinerance", "")):
            if fold(value) == "itinerant":
                found = True
            elif fold(value) != "fixe":
                row.warn("itinerance", f"valeur inconnue « {value} », ignorée")
        return found

    def _date(self, row: Row) -> dt.date | None | bool:
        value = row.text("date_maj")
        if not value:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(value[:10], pattern).date()
            except ValueError:
                continue
        row.warn("date_maj", f"date illisible « {value} » : format attendu AAAA-MM-JJ, ignorée")
        return False

    def _lists(self, row: Row, provided: set[str]) -> dict[str, list[str]]:
        lists: dict[str, list[str]] = {}
        for column, attributes in COLUMN_ATTRIBUTES.items():
            if not self.has(column):
                continue
            for attribute in attributes:
                lists.setdefault(attribute, [])
                provided.add(attribute)
            for value in _values(row.cells.get(column, "")):
                pairs = self.terms.from_national(column, value)
                if pairs is None:
                    row.warn(column, f"valeur inconnue « {value} », ignorée")
                    continue
                for attribute, code in pairs:
                    lists.setdefault(attribute, []).append(code)
                    provided.add(attribute)
        for column in ("autres_formations_labels", "labels_autres"):
            if not self.has(column):
                continue
            lists.setdefault("labels", [])
            provided.add("labels")
            for value in _values(row.cells.get(column, "")):
                own = self.terms.from_label("label", value)
                pairs = ((("labels", own),) if own else None) or self.terms.from_national("formations_labels", value)
                if pairs is None:
                    row.warn(column, f"« {value} » : aucun label de ce nom dans le vocabulaire, ignoré")
                    continue
                lists["labels"].extend(code for _, code in pairs)
        return lists

    def _operator(self, row: Row, values: dict[str, Any], provided: set[str], extras: Extras | None) -> None:
        if not self.has("pivot", "structure_parente"):
            return
        pivot = row.text("pivot").upper()
        if not (re.fullmatch(r"\d{14}|W\d{9}", pivot) or set(pivot) <= {"0"}):
            row.warn("pivot", f"« {pivot} » n'est ni un SIRET ni un RNA : non conservé")
            pivot = ""
        if pivot == NO_PIVOT:
            pivot = ""
        parent = row.text("structure_parente")
        operator = operator_from(parent, pivot, extras or Extras())
        if operator is None:
            return
        # A SIRET without a parent structure is the place's own organisation.
        name = (operator.name or row.name)[: _max(Operator, "name")]
        values["operator"] = replace(operator, name=name)
        provided.add("operator")
