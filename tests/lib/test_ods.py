import io
import zipfile
from xml.etree import ElementTree

from aiguillage.lib.ods import MIMETYPE, write_ods

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def test_an_ods_file_holds_the_header_and_rows_it_was_given():
    data = write_ods(["Nom", "Distance (km)"], [["Fablab de Luzy & Cie <test>", 3], ["Médiathèque", None]])
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype").decode() == MIMETYPE
    root = ElementTree.fromstring(archive.read("content.xml"))
    rows = [
        ["".join(p.text or "" for p in cell.iter(f"{TEXT}p")) for cell in row.iter(f"{TABLE}table-cell")]
        for row in root.iter(f"{TABLE}table-row")
    ]
    assert rows == [["Nom", "Distance (km)"], ["Fablab de Luzy & Cie <test>", "3"], ["Médiathèque", ""]]
