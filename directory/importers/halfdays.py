"""Half-day opening cells ("8h30-12h", "-", empty) to an OpenStreetMap opening_hours value.

Files made by hand, like the MedNum BFC cartography, give one cell per
half-day. A cell we cannot trust is left out and reported: a wrong hour sends
someone to a closed door, a missing one only sends them to the phone.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aiguillage.lib import opening_hours

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
HALVES = ("matin", "après-midi")
# Column names of the half-days in week order: "lundi matin", "lundi après-midi", …
HALF_DAY_COLUMNS: tuple[str, ...] = tuple(f"{day} {half}" for day in DAY_NAMES for half in HALVES)

CLOSED_CELLS = frozenset({"", "-", "–", "—", "ferme", "fermé", "fermée"})
# "8h30-12h", "9h12h", "08h - 12h15", "9h-12h00"
_CELL = re.compile(
    r"^(?P<h1>\d{1,2})\s*[hH:]\s*(?P<m1>\d{2})?\s*(?:-|–|à|a)?\s*(?P<h2>\d{1,2})\s*[hH:]\s*(?P<m2>\d{2})?$"
)


@dataclass
class HalfDayResult:
    opening_hours: str
    # (column, French message) for each cell left out.
    problems: list[tuple[str, str]] = field(default_factory=list)


def parse_cell(cell: str) -> tuple[int, int] | None:
    """(start, end) in minutes since midnight for a readable, possible interval; None for closed.

    Raises ValueError with a French message for a cell that is neither.
    """
    text = " ".join(cell.split())
    if text.lower() in CLOSED_CELLS:
        return None
    match = _CELL.match(text)
    if not match:
        raise ValueError(f"case illisible « {text} »")
    start = _minutes(match.group("h1"), match.group("m1"))
    end = _minutes(match.group("h2"), match.group("m2"))
    if start is None or end is None:
        raise ValueError(f"heure impossible « {text} »")
    if end <= start:
        raise ValueError(f"horaire impossible « {text} » : la fin n'est pas après le début")
    return start, end


def _minutes(hours: str, minutes: str | None) -> int | None:
    value = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 24 or int(minutes or 0) > 59 or value > 24 * 60:
        return None
    return value


def convert(cells: Mapping[str, str], columns: Sequence[str] = HALF_DAY_COLUMNS) -> HalfDayResult:
    """Turn the 14 half-day cells of a row (keyed by column name) into opening_hours.

    columns lists the 14 column names in week order, morning before afternoon.
    """
    week: dict[int, list[tuple[int, int]]] = {}
    problems: list[tuple[str, str]] = []
    for index, column in enumerate(columns):
        try:
            interval = parse_cell(cells.get(column) or "")
        except ValueError as error:
            problems.append((column, f"{error}, case ignorée"))
            continue
        if interval is not None:
            week.setdefault(index // 2, []).append(interval)
    return HalfDayResult(opening_hours=opening_hours.build(week), problems=problems)
