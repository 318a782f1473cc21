"""A minimal OpenDocument spreadsheet writer: one sheet of text and numbers, enough for office users."""

import io
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_CONTENT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name={name}>
"""
_CONTENT_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>\n"

Cell = str | int | float | None


def _cell(value: Cell) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet: str = "Feuille 1") -> bytes:
    parts = [_CONTENT_HEAD.format(name=quoteattr(sheet))]
    for row in [list(header), *rows]:
        parts.append("<table:table-row>" + "".join(_cell(value) for value in row) + "</table:table-row>\n")
    parts.append(_CONTENT_TAIL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry comes first and uncompressed, as the format requires.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", "".join(parts), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
