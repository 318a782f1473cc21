"""A table as every page, export and report of the observatory carries it: a title, columns, rows of cells.

Cells are what the reader sees: numbers stay numbers (spreadsheets add them up), a hidden count is the text
"< 5", a missing value is None (an empty cell).
"""

import math
from dataclasses import dataclass, field

Cell = str | int | float | None


@dataclass
class Table:
    slug: str  # names the export: /observatoire/export/<slug>.csv
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    numeric: set[int] = field(default_factory=set)  # columns aligned right
    export_query: str = ""  # the page's parameters, so that the export is of the same figures

    @property
    def numeric_columns(self) -> list[bool]:
        return [index in self.numeric for index in range(len(self.columns))]

    @property
    def cells(self) -> list[list[tuple[Cell, bool]]]:
        """Each row's cells with whether the column is numeric, for the templates."""
        flags = self.numeric_columns
        return [list(zip(row, flags, strict=False)) for row in self.rows]


def km(value: float) -> float | None:
    """A distance rounded to 0.1 km; None (an empty cell) when there is no place at all."""
    return None if math.isinf(value) or math.isnan(value) else round(value, 1)


def number_text(value: float | int) -> str:
    """12 345 with a narrow no-break space, as French typography writes it."""
    return f"{value:,.0f}".replace(",", "\u202f")
