"""Licences and credits come from the data (directory/data/sources.json), not from the code."""

import json

import pytest
from django.urls import reverse

from directory.importers.files import export_file, import_file
from directory.importers.licences import REGISTRY, SOURCES_FILE
from directory.models import Place
from tests.factories import make_place


@pytest.fixture
def partner_source(tmp_path):
    """A partner's data under CC BY, added as an entry of the sources file, and nothing else."""
    document = json.loads(SOURCES_FILE.read_text(encoding="utf-8"))
    document["sources"].append(
        {
            "code": "partenaire",
            "credit": "Partenaire X",
            "description": "annuaire du partenaire",
            "licence": "cc-by-4.0",
        }
    )
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    REGISTRY.load(path)
    yield
    REGISTRY.load()


def test_a_second_source_under_cc_by_is_credited_everywhere_without_code(db, client, partner_source):
    data = (
        "id,nom,code_insee,code_postal,adresse,date_maj,services,source\n"
        "p1,Espace partenaire,58194,58000,1 rue du Pont,2025-01-02,Aide aux démarches administratives,Partenaire\n"
    ).encode()
    report = import_file(data, format_name="mednum", actor="tests", dry_run=False)
    assert report.ok and report.created == 1
    place = Place.objects.get()
    assert (place.source, place.licence) == ("partenaire", "cc-by-4.0")
    make_place(name="Fablab BFC", source="mednum-bfc", source_id="b1", licence="odbl-1.0", services=("initiation",))

    (row, bfc_row) = sorted(json.loads(export_file(format_name="mednum-json"))["lieux"], key=lambda r: r["nom"])
    assert row["source"] == "Partenaire X"
    assert row["presentation_detail"].endswith(
        "Licence des données : Creative Commons Attribution 4.0 International (CC BY 4.0) (cc-by-4.0), "
        "crédit « Partenaire X »"
    )
    assert bfc_row["source"] == "MedNum BFC"
    geojson = json.loads(export_file(format_name="geojson"))
    feature = next(f for f in geojson["features"] if f["properties"]["nom"] == "Espace partenaire")
    assert (feature["properties"]["credit"], feature["properties"]["licence"]) == ("Partenaire X", "cc-by-4.0")
    assert {credit["credit"] for credit in geojson["credits"]} == {"Partenaire X", "MedNum BFC"}

    page = client.get(place.get_absolute_url()).content.decode()
    assert "Partenaire X (CC BY 4.0)" in page
    assert "MedNum BFC (ODbL 1.0), Partenaire X (CC BY 4.0), contributeurs du territoire" in page
    bfc_page = client.get(Place.objects.get(source="mednum-bfc").get_absolute_url()).content.decode()
    assert "MedNum BFC (ODbL 1.0)" in bfc_page
    feed = client.get(reverse("directory:feed_rss")).content.decode()
    assert "Source : Partenaire X (CC BY 4.0)." in feed and "Source : MedNum BFC (ODbL 1.0)." in feed
    notice = client.get(reverse("directory:data_notice")).content.decode()
    assert "<h3>Partenaire X</h3>" in notice and "CC BY 4.0" in notice


def test_the_templates_hold_no_credit_of_their_own(db):
    from django.conf import settings

    for template in (settings.BASE_DIR / "aiguillage" / "templates").rglob("*.html"):
        assert "MedNum BFC" not in template.read_text(encoding="utf-8"), template
    for template in (settings.BASE_DIR / "directory" / "templates").rglob("*.html"):
        assert "MedNum BFC" not in template.read_text(encoding="utf-8"), template


def test_a_file_of_mednum_bfc_and_contributions_is_under_odbl(db, client):
    make_place(name="Fablab BFC", source="mednum-bfc", source_id="b1", licence="odbl-1.0", services=("initiation",))
    make_place(name="Mairie", services=("admin_procedures",))
    rows = client.get(reverse("directory:data_notice")).context["rows"]
    licences = {(row["export"].format_name, row["perimeter"]): row["licence"] for row in rows}
    assert licences["native", "tout"] == "ODbL 1.0 (dérivé de MedNum BFC)"
    assert licences["native", "contributions"] == "Licence Ouverte 2.0"
