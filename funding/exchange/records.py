"""A scheme in the project's own exchange shape: codes and INSEE codes, never database ids.

Every write of a scheme (the edit form, a CSV file, an Aides-territoires export) becomes a ``SchemeRecord`` and goes
through ``funding.writing.save_record``; the history stores records' values before and after.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from funding_match.calendar import MonthDay

LIST_FIELDS = ("programmes", "kinds", "beneficiaries", "themes", "expenses")
TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "eligibility",
    "amount_note",
    "how_to_apply",
    "application_url",
    "contact",
    "source_url",
    "checked_by",
)
DECIMAL_FIELDS = ("amount_floor", "amount_ceiling", "rate_min", "rate_max")
DATE_FIELDS = ("opens_on", "closes_on", "checked_on")
MONTH_DAY_FIELDS = ("window_start", "window_end")


@dataclass(frozen=True)
class FunderData:
    name: str
    level: str


@dataclass(frozen=True)
class SchemeRecord:
    source: str
    source_id: str
    title: str
    summary: str = ""
    description: str = ""
    eligibility: str = ""
    status: str = "draft"
    funders: tuple[FunderData, ...] = ()
    programmes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    beneficiaries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    expenses: tuple[str, ...] = ()
    # "kind:code" for each area ("departement:58", "commune:58149"), or "france" / "eu".
    perimeter: tuple[str, ...] = ()
    amount_floor: Decimal | None = None
    amount_ceiling: Decimal | None = None
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    amount_note: str = ""
    recurrence: str = "one_off"
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    window_start: MonthDay | None = None
    window_end: MonthDay | None = None
    how_to_apply: str = ""
    application_url: str = ""
    contact: str = ""
    source_url: str = ""
    checked_on: dt.date | None = None
    checked_by: str = ""
    needs_check: bool = True
    # The national scheme this one declines locally, as "source:source_id".
    parent: str = ""


TRACKED = tuple(field.name for field in dataclasses.fields(SchemeRecord) if field.name not in ("source", "source_id"))
LABELS = {
    "title": "intitulé",
    "summary": "résumé",
    "description": "présentation",
    "eligibility": "conditions",
    "status": "état",
    "funders": "financeurs",
    "programmes": "programmes",
    "kinds": "nature",
    "beneficiaries": "bénéficiaires",
    "themes": "thèmes",
    "expenses": "dépenses éligibles",
    "perimeter": "périmètre",
    "amount_floor": "montant minimum",
    "amount_ceiling": "montant maximum",
    "rate_min": "taux minimum",
    "rate_max": "taux maximum",
    "amount_note": "précisions sur le montant",
    "recurrence": "calendrier",
    "opens_on": "ouverture",
    "closes_on": "clôture",
    "window_start": "début habituel",
    "window_end": "fin habituelle",
    "how_to_apply": "comment candidater",
    "application_url": "adresse du dépôt",
    "contact": "contact",
    "source_url": "source",
    "checked_on": "vérifié le",
    "checked_by": "vérifié par",
    "needs_check": "à vérifier",
    "parent": "dispositif national décliné",
}


def month_day_text(value: MonthDay | None) -> str:
    return "" if value is None else f"{value.month:02d}-{value.day:02d}"


def json_value(name: str, value: Any) -> Any:
    """A record's value as JSON (for the history): dates in ISO, decimals as text, funders as "name (level)"."""
    if value is None:
        return None
    if name in DECIMAL_FIELDS:
        return format(value.normalize(), "f")
    if name in DATE_FIELDS:
        return value.isoformat()
    if name in MONTH_DAY_FIELDS:
        return month_day_text(value)
    if name == "funders":
        return [f"{funder.name} ({funder.level})" for funder in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def as_json(record: SchemeRecord) -> dict[str, Any]:
    return {name: json_value(name, getattr(record, name)) for name in TRACKED}


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if before is None:
        return {name: {"before": None, "after": value} for name, value in after.items() if value not in (None, "", [])}
    return {
        name: {"before": before.get(name), "after": after[name]} for name in after if before.get(name) != after[name]
    }
