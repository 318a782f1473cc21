"""What the national standard has no column for, written at the end of `presentation_detail`, and read back.

The standard knows nothing of machines, innovation services, itinerant stops,
the audiences a place accepts, its state or the licence of its data. We write
them as plain French lines after the description, under a heading, so that a
person reading the national map sees them and our own import gets them back
exactly (export, import, export gives the same file):

    Compléments de l'annuaire :
    Type de lieu : Minilab
    Services d'innovation : Découverte, initiation ; Accès libre encadré
    Machine : Imprimante 3D × 2, à confirmer ; note : Équipement courant d'un fablab.
    Étape : n° 1, Luzy (58149) ; passages : We[1] 14:00-18:00
    Licence des données : Open Database License (ODbL) 1.0 (odbl-1.0), crédit « MedNum BFC »

A value on several lines continues on lines starting with two spaces.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from directory.importers.licences import CREDITS
from directory.importers.mednum_terms import TermIndex
from directory.importers.publishing import DEFAULT_LICENCE, licence_name
from directory.importers.records import EquipmentData, OperatorData, PlaceData, StopData
from directory.models import PlaceStatus

HEADING = "Compléments de l'annuaire :"
CONTINUATION = "  "
LIST_SEPARATOR = " ; "
TO_CONFIRM = "à confirmer"

# Line label -> vocabulary, for lists of Terms written by their labels.
LIST_LINES: dict[str, tuple[str, str, bool]] = {
    # label: (attribute, vocabulary, only the codes the national export does not write in a column)
    "Type de lieu": ("typologies", "typology", True),
    "Services d'innovation": ("services", "service", True),
    "Publics accueillis": ("audiences", "audience", False),
    "Accessibilité": ("accessibility", "accessibility", True),
}
TEXT_LINES: dict[str, str] = {
    "Précisions sur les horaires": "opening_hours_note",
    "Tarifs": "fees_note",
    "Comment venir": "access_directions",
}
# Fields the block carries: provided by a row only when the row has the block.
BLOCK_FIELDS = frozenset(
    {
        "audiences",
        "equipment",
        "stops",
        "is_remote",
        "opening_hours_note",
        "fees_note",
        "access_directions",
        "status",
        "status_date",
        "status_note",
    }
)
_EQUIPMENT_REST = re.compile(
    r"^(?: × (?P<quantity>\d+))?(?P<unconfirmed>, à confirmer)?(?: ; note : (?P<notes>.*))?$", re.S
)
_STOP = re.compile(
    r"^n° (?P<position>\d+), (?P<name>.*?) \((?P<code>[0-9AB]{5})\)"
    r"(?: ; lieu : (?P<location>.*?))?(?: ; passages : (?P<schedule>.*?))?(?: ; note : (?P<notes>.*))?$",
    re.S,
)
_STATUS = re.compile(r"^(?P<label>.*?)(?: depuis le (?P<date>\d{2}/\d{2}/\d{4}))?(?: ; note : (?P<note>.*))?$", re.S)
_LICENCE = re.compile(r"\((?P<code>[a-z0-9][a-z0-9.-]*)\)(?:, crédit « .* »)?$", re.S)


def render(place: PlaceData, terms: TermIndex, commune_name: Callable[[str], str], *, phone_fits: bool) -> list[str]:
    """The lines of the block for place (empty when the standard's columns say everything)."""
    lines: list[tuple[str, str]] = []
    for label, (attribute, vocabulary, only_own) in LIST_LINES.items():
        codes = [c for c in getattr(place, attribute) if not (only_own and terms.written(vocabulary, c))]
        if codes:
            labels = [terms.label(vocabulary, c) for c in terms.ordered(vocabulary, codes)]
            lines.append((label, LIST_SEPARATOR.join(labels)))
    machines = {item.kind: item for item in place.equipment}
    for kind in terms.ordered("equipment", machines):
        lines.append(("Machine", _equipment_text(machines[kind], terms)))
    for stop in sorted(place.stops):
        lines.append(("Étape", _stop_text(stop, commune_name(stop.commune))))
    if place.is_remote:
        lines.append(("Service à distance", "oui"))
    for label, attribute in TEXT_LINES.items():
        if getattr(place, attribute):
            lines.append((label, getattr(place, attribute)))
    if place.status != PlaceStatus.OPEN or place.status_date or place.status_note:
        lines.append(("État", _status_text(place)))
    operator = place.operator
    if operator is not None and operator.siret and operator.rna:
        lines.append(("RNA de la structure porteuse", operator.rna))
    if operator is not None and operator.website:
        lines.append(("Site de la structure porteuse", operator.website))
    if place.phone and not phone_fits:
        lines.append(("Téléphone", place.phone))
    # Every record of a credited source says its credit and licence, so they follow it into any other file.
    if place.licence != DEFAULT_LICENCE or place.source in CREDITS:
        text = f"{licence_name(place.licence)} ({place.licence})"
        credit = CREDITS.get(place.source)
        if credit is not None:
            text += f", crédit « {credit.credit} »"
        lines.append(("Licence des données", text))
    if not lines:
        return []
    return [HEADING] + [_line(label, value) for label, value in lines]


def _line(label: str, value: str) -> str:
    continued = value.replace("\n", "\n" + CONTINUATION)
    return f"{label} : {continued}"


def join_detail(description: str, block: list[str]) -> str:
    if not block:
        return description
    text = "\n".join(block)
    return f"{description}\n\n{text}" if description else text


def _equipment_text(item: EquipmentData, terms: TermIndex) -> str:
    text = terms.label("equipment", item.kind)
    if item.quantity != 1:
        text += f" × {item.quantity}"
    if not item.verified:
        text += f", {TO_CONFIRM}"
    if item.notes:
        text += f" ; note : {item.notes}"
    return text


def _stop_text(stop: StopData, name: str) -> str:
    text = f"n° {stop.position}, {name} ({stop.commune})"
    if stop.location:
        text += f" ; lieu : {stop.location}"
    if stop.schedule:
        text += f" ; passages : {stop.schedule}"
    if stop.notes:
        text += f" ; note : {stop.notes}"
    return text


def _status_text(place: PlaceData) -> str:
    text = PlaceStatus(place.status).label
    if place.status_date:
        text += f" depuis le {place.status_date:%d/%m/%Y}"
    if place.status_note:
        text += f" ; note : {place.status_note}"
    return text


@dataclass
class Extras:
    """What a block gave back: PlaceData values, operator parts, licence, and French warnings."""

    values: dict[str, Any] = field(default_factory=dict)
    operator_rna: str = ""
    operator_website: str = ""
    phone: str = ""
    licence: str = ""
    lists: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def split_detail(text: str) -> tuple[str, list[str] | None]:
    """(description, lines of the block or None) of a presentation_detail cell."""
    if text == HEADING or text.startswith(HEADING + "\n"):
        return "", text.split("\n")[1:]
    at = text.rfind(f"\n\n{HEADING}\n")
    if at < 0:
        if text.endswith(f"\n\n{HEADING}"):
            return text[: -len(HEADING) - 2], []
        return text, None
    return text[:at], text[at + len(HEADING) + 3 :].split("\n")


def parse_block(lines: list[str], terms: TermIndex) -> Extras:
    extras = Extras()
    entries: list[list[str]] = []
    for line in lines:
        if line.startswith(CONTINUATION) and entries:
            entries[-1][1] += "\n" + line[len(CONTINUATION) :]
            continue
        label, separator, value = line.partition(" : ")
        if not separator:
            if line.strip():
                extras.warnings.append(f"ligne de compléments illisible « {line} », ignorée")
            continue
        entries.append([label, value])
    values = extras.values
    values.update(
        audiences=(),
        equipment=(),
        stops=(),
        is_remote=False,
        opening_hours_note="",
        fees_note="",
        access_directions="",
        status=PlaceStatus.OPEN.value,
        status_date=None,
        status_note="",
    )
    equipment: list[EquipmentData] = []
    stops: list[StopData] = []
    for label, value in entries:
        if label in LIST_LINES:
            attribute, vocabulary, _ = LIST_LINES[label]
            codes = extras.lists.setdefault(attribute, [])
            for part in value.split(LIST_SEPARATOR):
                code = terms.from_label(vocabulary, part.strip())
                if code is None:
                    extras.warnings.append(f"{label} : « {part.strip()} » inconnu dans nos vocabulaires, ignoré")
                else:
                    codes.append(code)
        elif label == "Machine":
            machine = _parse_equipment(value, terms)
            if machine is None:
                extras.warnings.append(f"machine illisible ou inconnue « {value} », ignorée")
            elif any(known.kind == machine.kind for known in equipment):
                extras.warnings.append(f"machine « {value} » en double, ignorée")
            else:
                equipment.append(machine)
        elif label == "Étape":
            stop = _parse_stop(value)
            if stop is None:
                extras.warnings.append(f"étape illisible « {value} », ignorée")
            else:
                stops.append(stop)
        elif label == "Service à distance":
            values["is_remote"] = value.strip() == "oui"
        elif label in TEXT_LINES:
            values[TEXT_LINES[label]] = value
        elif label == "État":
            _parse_status(value, values, extras.warnings)
        elif label == "RNA de la structure porteuse":
            extras.operator_rna = value.strip()
        elif label == "Site de la structure porteuse":
            extras.operator_website = value.strip()
        elif label == "Téléphone":
            extras.phone = value.strip()
        elif label == "Licence des données":
            match = _LICENCE.search(value)
            if match is None:
                extras.warnings.append(f"licence illisible « {value} », ignorée")
            else:
                extras.licence = match["code"]
        else:
            extras.warnings.append(f"ligne de compléments inconnue « {label} », ignorée")
    values["audiences"] = tuple(extras.lists.pop("audiences", ()))
    values["equipment"] = tuple(sorted(equipment))
    values["stops"] = tuple(sorted(stops))
    return extras


def _parse_equipment(value: str, terms: TermIndex) -> EquipmentData | None:
    labels = sorted(
        ((row.label, row.code) for (vocabulary, _), row in terms.rows.items() if vocabulary == "equipment"),
        key=lambda pair: -len(pair[0]),
    )
    for label, code in labels:
        if not value.startswith(label):
            continue
        match = _EQUIPMENT_REST.match(value[len(label) :])
        if match is None:
            continue
        quantity = int(match["quantity"] or 1)
        if not 1 <= quantity <= 32767:
            return None
        return EquipmentData(
            kind=code, quantity=quantity, notes=match["notes"] or "", verified=not match["unconfirmed"]
        )
    return None


def _parse_stop(value: str) -> StopData | None:
    match = _STOP.match(value)
    if match is None:
        return None
    return StopData(
        position=int(match["position"]),
        commune=match["code"],
        location=match["location"] or "",
        schedule=match["schedule"] or "",
        notes=match["notes"] or "",
    )


def _parse_status(value: str, values: dict[str, Any], warnings: list[str]) -> None:
    match = _STATUS.match(value)
    by_label = {status.label: status.value for status in PlaceStatus}
    if match is None or match["label"] not in by_label:
        warnings.append(f"état illisible « {value} », ignoré")
        return
    values["status"] = by_label[match["label"]]
    if match["date"]:
        values["status_date"] = dt.datetime.strptime(match["date"], "%d/%m/%Y").date()
    values["status_note"] = match["note"] or ""


def operator_from(name: str, pivot: str, extras: Extras) -> OperatorData | None:
    """The operator a row names: its parent structure, its SIRET or RNA (pivot), and what the block adds."""
    siret = pivot if re.fullmatch(r"\d{14}", pivot) and set(pivot) != {"0"} else ""
    rna = pivot if re.fullmatch(r"W\d{9}", pivot) else extras.operator_rna
    if not (name or siret or rna):
        return None
    return OperatorData(name=name, siret=siret, rna=rna, website=extras.operator_website)
