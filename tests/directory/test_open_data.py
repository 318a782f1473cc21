import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from tests.factories import make_place


@pytest.fixture
def places(db):
    bfc = make_place(
        name="Fablab de Luzy",
        commune="58149",
        equipment=("3d_printer",),
        source="mednum-bfc",
        source_id="TL_1",
        licence="odbl-1.0",
        phone="03 86 00 00 00",
    )
    own = make_place(name="Atelier de Nevers", commune="58194", equipment=("3d_printer", "laser_cutter"))
    return bfc, own


def test_the_open_data_page_lists_each_export_with_licence_count_and_date(client, places):
    response = client.get(reverse("directory:data_notice"))
    assert response.status_code == 200
    rows = response.context["rows"]
    native = [row for row in rows if row["export"].format_name == "native"]
    assert {(row["perimeter"], row["count"], row["licence"]) for row in native} == {
        ("tout", 2, "ODbL 1.0 (dérivé de MedNum BFC)"),
        ("contributions", 1, "Licence Ouverte 2.0"),
    }
    assert all(row["last"] is not None for row in native)
    assert "MedNum BFC" in response.content.decode() and "/api/v1/openapi.json" in response.content.decode()


def test_a_whole_export_downloads_and_the_contributions_exclude_mednum_bfc(client, places):
    url = reverse("directory:export", kwargs={"slug": "lieux-aiguillage", "extension": "json"})
    everything = json.loads(client.get(url).content)
    assert {place["name"] for place in everything["places"]} == {"Fablab de Luzy", "Atelier de Nevers"}
    assert "MedNum BFC" in json.dumps(everything["credits"], ensure_ascii=False)
    own = json.loads(client.get(url, {"perimetre": "contributions"}).content)
    assert [place["name"] for place in own["places"]] == ["Atelier de Nevers"]
    assert client.get(url, {"perimetre": "martien"}).status_code == 400
    assert client.get(reverse("directory:export", kwargs={"slug": "inconnu", "extension": "json"})).status_code == 404


def test_search_results_download_as_csv_for_spreadsheets(client, places):
    response = client.get(reverse("directory:results_csv"), {"q": "imprimante 3D", "ou": "Luzy", "rayon": "100"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Commune", "Code INSEE", "Distance (km)"]
    assert [row[0] for row in rows[1:]] == ["Fablab de Luzy", "Atelier de Nevers"]
    assert rows[1][-2:] == ["MedNum BFC", "ODbL 1.0"]
    assert client.get(reverse("directory:results_csv"), {"rayon": "abc"}).status_code == 400


def test_search_results_download_as_ods(client, places):
    response = client.get(reverse("directory:results_ods"), {"q": "découpe laser"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    content = archive.read("content.xml").decode()
    assert "Atelier de Nevers" in content and "Fablab de Luzy" not in content


def test_the_widget_is_light_frameable_cookieless_and_credits_the_data(client, places):
    response = client.get(reverse("directory:widget"), {"commune": "58149", "besoin": "imprimante 3D"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fablab de Luzy" in html and "MedNum BFC" in html
    assert "X-Frame-Options" not in response.headers
    assert not response.cookies
    assert "<script" not in html and len(response.content) < 10_000
    assert client.get(reverse("directory:widget"), {"commune": "Trifouillis"}).status_code == 200


def test_the_widget_builder_gives_a_snippet_to_copy(client, places):
    html = client.get(
        reverse("directory:widget_builder"), {"commune": "Luzy", "besoin": "imprimante 3D"}
    ).content.decode()
    assert '&lt;iframe src="http://127.0.0.1:8000/widget/?commune=58149&amp;besoin=imprimante+3D"' in html


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_feeds_list_recently_changed_places(client, places, name):
    response = client.get(reverse(f"directory:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fablab de Luzy (Luzy)" in body and "Atelier de Nevers (Nevers)" in body
    assert "Source : MedNum BFC (ODbL 1.0)." in body


def test_open_data_formats_count_only_places_not_closed(client, places):
    make_place(name="Écocentre", status="closed")
    rows = client.get(reverse("directory:data_notice")).context["rows"]
    counts = {(row["export"].format_name, row["perimeter"]): row["count"] for row in rows}
    assert counts[("native", "contributions")] == 2
    assert counts[("geojson", "contributions")] == 1
    # The contribution says no service at all: the national formats leave it out (the export report says so).
    assert counts[("mednum-csv", "contributions")] == 0
    url = reverse("directory:export", kwargs={"slug": "lieux", "extension": "geojson"})
    features = json.loads(client.get(url, {"perimetre": "contributions"}).content)["features"]
    assert len(features) == counts[("geojson", "contributions")]


def test_each_file_counts_what_its_export_writes_in_both_perimeters(client, places):
    """The notice reads every file's records in one grouped pass: its figures are those of the perimeter itself."""
    from django.db.models import Count, Max

    from directory.importers.registry import FORMATS
    from directory.models import PlaceStatus
    from directory.views.opendata import _perimeter

    make_place(name="Écocentre", status="closed", services=("initiation",))
    make_place(name="Tiers-lieu partenaire", source="partenaire-x", source_id="x1", licence="cc-by-4.0")
    rows = client.get(reverse("directory:data_notice")).context["rows"]
    assert {row["perimeter"] for row in rows} == {"tout", "contributions"}
    for row in rows:
        place_format = FORMATS.get(row["export"].format_name)
        expected = _perimeter(row["perimeter"])
        if place_format.public_only:
            expected = expected.exclude(status=PlaceStatus.CLOSED)
        if place_format.selects is not None:
            expected = place_format.selects(expected)
        figures = expected.aggregate(count=Count("pk"), last=Max("updated_at"))
        assert (row["count"], row["last"]) == (figures["count"], figures["last"]), row
    counts = {(row["export"].format_name, row["perimeter"]): row["count"] for row in rows}
    assert counts["native", "tout"] == 4 and counts["native", "contributions"] == 3
