import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from odfdo import Document

from roadmap import odt
from roadmap.models import Indicator, Measurement
from tests.roadmap.factories import add_money, load_roadmap_demo, make_roadmap, make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet():
    sheet = make_sheet(make_roadmap(), goals="Équiper les fablabs.")
    add_money(sheet)
    indicator = Indicator.objects.create(
        sheet=sheet, label="Scanners en service", unit="scanners", baseline_value=Decimal(0), target_value=Decimal(2)
    )
    Measurement.objects.create(indicator=indicator, value=Decimal(1), date=date(2025, 6, 1), source="visite")
    return sheet


def test_the_sheet_odt_parses_back_with_budget_funding_and_indicator_tables(client, sheet):
    response = client.get(reverse("roadmap:sheet_odt", args=["test", "FA1"]))
    assert response.status_code == 200
    assert response["Content-Type"] == odt.MIMETYPE
    document = Document(io.BytesIO(response.content))
    tables = {table.name: table.get_values() for table in document.body.get_tables()}
    assert tables["FA1 budget"] == [
        ["Année", "Poste", "Montant (€)"],
        [2025, "Scanner 3D", Decimal("4999.99")],
        [2026, "Formation", Decimal("1200.01")],
        ["Total", "", 6200],
    ]
    funding = tables["FA1 financements"]
    assert funding[1][:4] == ["Région", "", Decimal("3000.1"), Decimal("2500.05")]
    assert tables["FA1 indicateurs"][1] == ["Scanners en service", "scanners", 0, 2, 1, "2025-06-01"]
    headers = [header.text for header in document.body.get_headers()]
    assert "FA1 — Renforcer les fablabs" in headers
    assert "Objectifs" in headers


def test_the_whole_roadmap_odt_holds_every_sheet(client):
    load_roadmap_demo()
    response = client.get(reverse("roadmap:roadmap_odt", args=["nievre-france-numerique-ensemble"]))
    document = Document(io.BytesIO(response.content))
    headers = [header.text for header in document.body.get_headers(outline_level=2)]
    assert [h.split(" — ")[0] for h in headers] == ["FA1", "FA2", "FA3", "FA4"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("mimetype") == odt.MIMETYPE.encode()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine")
def test_libreoffice_converts_the_odt_to_pdf(client, sheet, tmp_path):
    path = tmp_path / "fiche.odt"
    path.write_bytes(client.get(reverse("roadmap:sheet_odt", args=["test", "FA1"])).content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert (tmp_path / "fiche.pdf").read_bytes().startswith(b"%PDF")


def test_indicators_download_as_csv_and_ods(client, sheet):
    response = client.get(reverse("roadmap:indicators", args=["test", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Fiche", "Indicateur", "Unité"]
    assert rows[1][:2] == ["FA1", "Scanners en service"]
    assert rows[1][8:10] == ["1.00", "2025-06-01"]
    ods = client.get(reverse("roadmap:indicators", args=["test", "ods"]))
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert b"Scanners en service" in zipfile.ZipFile(io.BytesIO(ods.content)).read("content.xml")
    assert client.get(reverse("roadmap:indicators", args=["test", "xls"])).status_code == 404
