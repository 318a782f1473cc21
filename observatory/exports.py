"""The observatory's tables as files: CSV and ODS for spreadsheets, and the committee's report as ODT.

The ODT is written with odfdo, the library the roadmap's exports use too: LibreOffice opens it, and its tables
are real tables, not pictures of them.
"""

import io
from collections.abc import Sequence

from odfdo import Cell as OdfCell
from odfdo import Document, Header, Paragraph, Row
from odfdo import Table as OdfTable

from aiguillage.lib import csvsafe
from aiguillage.lib.ods import write_ods
from observatory.tables import Cell, Table


def _csv_cell(value: Cell) -> Cell:
    """Decimal commas, as French spreadsheets read them; text is made safe by csvsafe's writer."""
    return str(value).replace(".", ",") if isinstance(value, float) else value


def table_csv(table: Table) -> bytes:
    """Semicolons, decimal commas and a byte-order mark: what spreadsheets in France open without asking."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csvsafe.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    if table.note:
        writer.writerow([])
        writer.writerow([table.note])
    return buffer.getvalue().encode("utf-8")


def table_ods(table: Table) -> bytes:
    rows: list[Sequence[Cell]] = list(table.rows)
    if table.note:
        rows += [[], [table.note]]
    return write_ods(table.columns, rows, sheet=table.title[:31])


def _odf_table(table: Table, name: str) -> OdfTable:
    odf = OdfTable(name)
    header = Row()
    for column in table.columns:
        header.append(OdfCell(column))
    odf.append(header)
    for values in table.rows:
        row = Row()
        for value in values:
            row.append(OdfCell() if value is None else OdfCell(value))
        odf.append(row)
    return odf


def report_odt(title: str, blocks: Sequence[tuple[str, str | Table]]) -> bytes:
    """blocks: ("h1" | "h2" | "p", text) or ("table", Table), in reading order."""
    document = Document("text")
    body = document.body
    body.clear()
    body.append(Header(1, title))
    tables = 0
    for kind, content in blocks:
        if isinstance(content, Table):
            tables += 1
            body.append(Paragraph(content.title))
            body.append(_odf_table(content, f"Tableau {tables}"))
            if content.note:
                body.append(Paragraph(content.note))
        elif kind == "h2":
            body.append(Header(2, content))
        elif kind == "h3":
            body.append(Header(3, content))
        else:
            body.append(Paragraph(content))
    document.meta.set_title(title)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
