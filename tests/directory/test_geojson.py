"""GeoJSON of the places: a FeatureCollection of points, [longitude, latitude], for maps and a streaming view."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from directory.importers import publishing
from directory.importers.files import export_file
from directory.importers.geojson import iter_geojson
from directory.models import Place
from tests.directory.factories import LUZY, place_with_every_field
from tests.factories import make_place


def _collection() -> dict:
    return json.loads(export_file(format_name="geojson"))


def _check_rfc7946(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        longitude, latitude = geometry["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert all(round(value, 6) == value for value in (longitude, latitude))


@pytest.fixture
def places(db):
    full = place_with_every_field()
    bfc = make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        latitude=46.790619,
        longitude=3.970311,
        source="mednum-bfc",
        source_id="mednumBFC_TL_271_",
        licence="odbl-1.0",
        typologies=("FABLAB",),
        equipment=("laser_cutter",),
    )
    make_place(name="Lieu fermé", status="closed")
    return full, bfc


def test_the_demo_directory_is_a_valid_collection_of_one_point_per_open_place(db):
    call_command("load_demo", stdout=io.StringIO())
    collection = _collection()
    _check_rfc7946(collection)
    assert len(collection["features"]) == Place.objects.exclude(status="closed").count() == 124
    # Every point of the Nièvre lies between these longitudes and latitudes.
    for feature in collection["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]
        assert 2.8 < longitude < 4.3 and 46.6 < latitude < 47.6, feature["id"]


def test_coordinates_come_longitude_first(places):
    _, bfc = places
    collection = _collection()
    _check_rfc7946(collection)
    features = {feature["id"]: feature for feature in collection["features"]}
    assert features["mednum-bfc--mednumBFC_TL_271_"]["geometry"]["coordinates"] == [3.970311, 46.790619]
    assert "Lieu fermé" not in json.dumps(collection, ensure_ascii=False)
    assert len(features) == 2


def test_properties_name_the_place_its_commune_offers_page_and_licence(places):
    full, bfc = places
    features = {feature["id"]: feature for feature in _collection()["features"]}
    properties = features["mednum-bfc--mednumBFC_TL_271_"]["properties"]
    assert (properties["nom"], properties["code_insee"], properties["commune"]) == ("Fablab de Luzy", LUZY, "Luzy")
    assert properties["typologies"] == [{"code": "FABLAB", "libelle": "Fablab / Atelier partagé"}]
    assert properties["equipements"] == [
        {"code": "laser_cutter", "libelle": "Découpe laser", "nombre": 1, "a_confirmer": True}
    ]
    assert properties["url"] == settings.SITE_URL + bfc.get_absolute_url()
    assert (properties["licence"], properties["credit"], properties["source"]) == (
        "odbl-1.0",
        "MedNum BFC",
        "mednum-bfc",
    )
    assert properties["date_maj"] == timezone.localdate(bfc.updated_at).isoformat()  # no date_maj: the last change
    full_properties = features["tests--tout"]["properties"]
    assert full_properties["date_maj"] == "2024-05-01"
    assert [service["code"] for service in full_properties["services"]] == ["initiation", "open_access"]
    assert (full_properties["etat"], full_properties["etat_libelle"]) == ("temporarily_closed", "Fermé temporairement")
    assert full_properties["itinerant"] is True and full_properties["credit"] == ""


def test_the_collection_carries_licences_and_credits(places):
    collection = _collection()
    assert [entry["code"] for entry in collection["licences"]] == ["etalab-2.0", "odbl-1.0"]
    assert [credit["credit"] for credit in collection["credits"]] == ["MedNum BFC"]


def test_a_queryset_streams_in_batches_with_the_same_bytes_as_the_export(places, monkeypatch):
    monkeypatch.setattr(publishing, "BATCH_SIZE", 1)
    chunks = list(iter_geojson(Place.objects.all()))
    assert len(chunks) == 4  # opening, two batches of one feature, closing
    assert b"".join(chunks) == export_file(format_name="geojson")
    only_luzy = json.loads(b"".join(iter_geojson(Place.objects.filter(name="Fablab de Luzy"))))
    assert [feature["properties"]["nom"] for feature in only_luzy["features"]] == ["Fablab de Luzy"]


def test_an_empty_queryset_gives_an_empty_valid_collection(db):
    collection = json.loads(b"".join(iter_geojson(Place.objects.none())))
    assert collection == {"type": "FeatureCollection", "features": [], "licences": [], "credits": []}
    assert json.loads(export_file(format_name="geojson"))["features"] == []


def test_the_export_command_writes_geojson(places, tmp_path):
    path = tmp_path / "lieux.geojson"
    call_command("export_places", str(path), format="geojson", stdout=io.StringIO())
    assert json.loads(path.read_bytes()) == _collection()
