"""Every CSV the project writes is safe to open in a spreadsheet: no cell runs as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from aiguillage.lib import csvsafe
from directory.importers.files import export_file
from tests.factories import make_place

HOSTILE = '=HYPERLINK("http://e.vil","Cliquez")'
SHORT_HOSTILE = '=HYPERLINK("http://e.vil")'  # fits the 30 characters of the phone column


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=1"],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    assert csvsafe.safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["+33386000000", "-3.5", "+3,14", "-12", "03 86 00 00 00", "Fablab = atelier", "", "contact@x.fr"]
)
def test_plain_numbers_and_ordinary_text_are_left_alone(value):
    assert csvsafe.safe_cell(value) == value


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert csvsafe.safe_row([None, 3, -1.5, "=x"]) == ["", "3", "-1.5", "'=x"]


def test_the_writers_neutralise_every_cell_but_keep_csv_quoting():
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["nom", "téléphone"])
    writer.writerows([["A;B", HOSTILE]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert rows == [["nom", "téléphone"], ["A;B", "'" + HOSTILE]]
    buffer = io.StringIO()
    dict_writer = csvsafe.dict_writer(buffer, ["a", "b"], lineterminator="\n")
    dict_writer.writeheader()
    dict_writer.writerows([{"a": "@x", "b": None}])
    assert buffer.getvalue() == "a,b\n'@x,\n"


@pytest.fixture
def hostile_place(db):
    # Saved directly, as an old row or a direct database write would be: the forms now refuse such a phone.
    return make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), phone=SHORT_HOSTILE)


def test_the_search_results_csv_neutralises_a_hostile_phone(client, hostile_place):
    response = client.get(reverse("directory:results_csv"), {"q": "imprimante 3D", "ou": "Luzy"})
    content = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    phone = rows[0].index("Téléphone")
    assert rows[1][phone] == "'" + SHORT_HOSTILE
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)


def test_the_national_csv_neutralises_text_cells_and_keeps_e164_phones(db):
    make_place(name="=Fablab", commune="58149", services=("digital_understanding",), phone="03 86 00 00 00")
    rows = list(csv.DictReader(io.StringIO(export_file(format_name="mednum-csv").decode())))
    assert rows[0]["nom"] == "'=Fablab"
    assert rows[0]["telephone"] == "+33386000000"
    assert rows[0]["longitude"].lstrip("-").replace(".", "").isdigit()
