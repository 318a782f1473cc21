import json

import shapely
from django.core.management import call_command

from territory.loader import load_outlines
from territory.models import Commune, CommuneOutline
from territory.outlines import missing_outlines, simplify_outlines

# Two unit squares side by side, their shared border zig-zagging, as two hex WKB polygons.
LEFT = shapely.to_wkb(
    shapely.Polygon([(0, 0), (1, 0), (1.002, 0.25), (1, 0.5), (1.002, 0.75), (1, 1), (0, 1)]), hex=True
)
RIGHT = shapely.to_wkb(
    shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.002, 0.75), (1, 0.5), (1.002, 0.25)]), hex=True
)


def test_neighbours_keep_one_shared_border_when_simplified():
    outlines = simplify_outlines({"00001": LEFT, "00002": RIGHT, "00003": ""}, tolerance=0.1)
    assert set(outlines) == {"00001", "00002"}
    left, right = (shapely.from_geojson(outlines[code]) for code in ("00001", "00002"))
    # The zig-zag is gone, and neither a gap nor an overlap appeared between the two.
    assert shapely.get_num_coordinates(left) < 7
    assert shapely.area(shapely.intersection(left, right)) < 1e-9
    assert shapely.area(shapely.union(left, right)) == 2.0


def test_the_served_communes_get_an_outline_that_covers_them(db):
    served = Commune.objects.served()
    assert missing_outlines(["58"]) == 0
    assert CommuneOutline.objects.filter(commune__in=served).count() == served.count()
    assert not CommuneOutline.objects.exclude(commune__departement__code="58").exists()
    luzy = CommuneOutline.objects.select_related("commune").get(commune__code="58149")
    shape = shapely.from_geojson(luzy.geometry)
    assert json.loads(luzy.geometry)["type"] in ("Polygon", "MultiPolygon")
    assert shapely.contains(shape, shapely.Point(luzy.commune.longitude, luzy.commune.latitude))


def test_the_departement_loses_little_area_and_no_commune_overlaps_another(db):
    shapes = [shapely.from_geojson(text) for text in CommuneOutline.objects.values_list("geometry", flat=True)]
    union = shapely.union_all(shapes)
    total = sum(shapely.area(shape) for shape in shapes)
    assert abs(total - shapely.area(union)) / total < 0.001
    # The Nièvre covers about 6,800 km²: at 47° N, a square degree is about 8,400 km².
    assert 0.78 < shapely.area(union) < 0.84


def test_the_command_loads_the_missing_outlines_and_otherwise_does_nothing(db):
    call_command("load_outlines", "--si-manquants", verbosity=0)
    CommuneOutline.objects.filter(commune__code="58149").delete()
    assert missing_outlines(["58"]) == 1
    call_command("load_outlines", "--si-manquants", verbosity=0)
    assert missing_outlines(["58"]) == 0


def test_outlines_of_another_departement_load_on_demand(db):
    assert load_outlines(departements=["89"]) > 400
    assert missing_outlines(["89"]) == 0
