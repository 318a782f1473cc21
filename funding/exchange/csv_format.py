"""The catalogue's CSV format (docs/format-financements.md): one scheme per row, lists joined with "|".

Comma-separated, UTF-8, with a header row. Codes for vocabularies, INSEE codes for places, ISO dates, month-days as
MM-DD, decimals with a point (a comma is read too). A text cell a spreadsheet would take for a formula is written
with a leading apostrophe (aiguillage.lib.csvsafe), which the reader takes off again. Rows are sorted by
(source, source_id) and no date of export is written: exporting, importing and exporting again gives the same file.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from aiguillage.lib import csvsafe
from funding.exchange.records import LIST_FIELDS, FunderData, SchemeRecord, month_day_text
from funding_match.calendar import CalendarError, MonthDay

COLUMNS = [
    "source",
    "source_id",
    "title",
    "summary",
    "description",
    "eligibility",
    "status",
    "funders",
    "funder_levels",
    "programmes",
    "kinds",
    "beneficiaries",
    "themes",
    "expenses",
    "perimeter",
    "amount_floor",
    "amount_ceiling",
    "rate_min",
    "rate_max",
    "amount_note",
    "recurrence",
    "opens_on",
    "closes_on",
    "window_start",
    "window_end",
    "how_to_apply",
    "application_url",
    "contact",
    "source_url",
    "checked_on",
    "checked_by",
    "needs_check",
    "parent",
]
REQUIRED = ("source", "source_id", "title")
SEPARATOR = "|"
# What csvsafe writes before a cell that starts like a formula.
FORMULA_GUARDS = {"'" + start for start in ("=", "+", "-", "@", "\t", "\r")}


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(SEPARATOR) if part.strip())


def _decimal(cell: str, column: str, problems: list[str]) -> Decimal | None:
    text = cell.strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(f"{column} : nombre illisible « {cell} »")
        return None
    if not value.is_finite():
        problems.append(f"{column} : nombre illisible « {cell} »")
        return None
    return value


def _date(cell: str, column: str, problems: list[str]) -> dt.date | None:
    if not cell.strip():
        return None
    try:
        return dt.date.fromisoformat(cell.strip())
    except ValueError:
        problems.append(f"{column} : date illisible « {cell} » (AAAA-MM-JJ)")
        return None


def _month_day(cell: str, column: str, problems: list[str]) -> MonthDay | None:
    text = cell.strip()
    if not text:
        return None
    month, _, day = text.partition("-")
    try:
        return MonthDay(int(month), int(day))
    except ValueError:
        problems.append(f"{column} : « {cell} » n'est pas un mois-jour (MM-JJ)")
    except CalendarError as error:
        problems.append(f"{column} : {error}")
    return None


def _boolean(cell: str, column: str, problems: list[str]) -> bool:
    text = cell.strip().lower()
    if text in ("", "true", "oui", "1"):
        return True
    if text in ("false", "non", "0"):
        return False
    problems.append(f"{column} : « {cell} » n'est ni true ni false")
    return True


def _unquote(cell: str) -> str:
    """A cell csvsafe protected ("'=…") as it was written."""
    return cell[1:] if cell[:2] in FORMULA_GUARDS else cell


def record_from_row(row: dict[str, str]) -> tuple[SchemeRecord | None, list[str]]:
    """A record from one CSV row, or None with the problems in French."""
    problems: list[str] = []
    cells = {column: _unquote(row.get(column) or "") for column in COLUMNS}
    for column in REQUIRED:
        if not cells[column].strip():
            problems.append(f"{column} : obligatoire")
    names, levels = _split(cells["funders"]), _split(cells["funder_levels"])
    if len(names) != len(levels):
        problems.append("funders et funder_levels n'ont pas le même nombre d'éléments")
    record_fields: dict[str, object] = {
        "source": cells["source"].strip(),
        "source_id": cells["source_id"].strip(),
        "title": cells["title"].strip(),
        "summary": cells["summary"].strip(),
        "description": cells["description"],
        "eligibility": cells["eligibility"],
        "status": cells["status"].strip() or "draft",
        "funders": tuple(FunderData(name=name, level=level) for name, level in zip(names, levels, strict=False)),
        "perimeter": _split(cells["perimeter"]),
        "amount_note": cells["amount_note"].strip(),
        "recurrence": cells["recurrence"].strip() or "one_off",
        "how_to_apply": cells["how_to_apply"],
        "application_url": cells["application_url"].strip(),
        "contact": cells["contact"],
        "source_url": cells["source_url"].strip(),
        "checked_by": cells["checked_by"].strip(),
        "parent": cells["parent"].strip(),
    }
    for name in LIST_FIELDS:
        record_fields[name] = _split(cells[name])
    for name in ("amount_floor", "amount_ceiling", "rate_min", "rate_max"):
        record_fields[name] = _decimal(cells[name], name, problems)
    for name in ("opens_on", "closes_on", "checked_on"):
        record_fields[name] = _date(cells[name], name, problems)
    for name in ("window_start", "window_end"):
        record_fields[name] = _month_day(cells[name], name, problems)
    record_fields["needs_check"] = _boolean(cells["needs_check"], "needs_check", problems)
    if problems:
        return None, problems
    return SchemeRecord(**record_fields), []  # type: ignore[arg-type]


def read_csv(text: str) -> tuple[list[tuple[str, SchemeRecord]], list[str]]:
    """Records with their row label ("ligne 3"), and every problem of the file in French."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        return [], [f"colonnes obligatoires absentes : {', '.join(missing)}"]
    unknown = [column for column in reader.fieldnames or [] if column not in COLUMNS]
    problems = [f"colonne inconnue « {column} »" for column in unknown]
    records = []
    for line, row in enumerate(reader, start=2):
        record, row_problems = record_from_row(row)
        label = f"ligne {line}"
        problems += [f"{label} : {problem}" for problem in row_problems]
        if record is not None:
            records.append((label, record))
    return records, problems


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def row_of(record: SchemeRecord) -> list[str]:
    values = {
        **{name: getattr(record, name) for name in COLUMNS if hasattr(record, name)},
        "funders": SEPARATOR.join(funder.name for funder in record.funders),
        "funder_levels": SEPARATOR.join(funder.level for funder in record.funders),
    }
    row = []
    for column in COLUMNS:
        value = values[column]
        if column in LIST_FIELDS or column == "perimeter":
            row.append(SEPARATOR.join(sorted(value)))
        elif column in ("amount_floor", "amount_ceiling", "rate_min", "rate_max"):
            row.append(_number(value))
        elif column in ("opens_on", "closes_on", "checked_on"):
            row.append(value.isoformat() if value else "")
        elif column in ("window_start", "window_end"):
            row.append(month_day_text(value))
        elif column == "needs_check":
            row.append("true" if value else "false")
        else:
            row.append(str(value))
    return row


def write_csv(records: Iterable[SchemeRecord]) -> str:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in sorted(records, key=lambda record: (record.source, record.source_id)):
        writer.writerow(row_of(record))
    return buffer.getvalue()
