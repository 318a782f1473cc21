from territory.loader import load_territory, parse_wkb_point, polygon_centroid
from territory.models import Commune, Departement, Epci


def test_it_loads_every_commune_of_france_with_a_point(db):
    assert Commune.objects.count() > 34_800
    assert Departement.objects.count() >= 101
    assert Epci.objects.count() > 1_200
    assert not Commune.objects.filter(latitude=0, longitude=0).exists()


def test_it_keeps_insee_code_name_postcodes_epci_and_population(db):
    nevers = Commune.objects.select_related("departement", "epci").get(code="58194")
    assert nevers.name == "Nevers"
    assert nevers.departement.code == "58"
    assert "58000" in nevers.postcode_list
    assert nevers.epci is not None and "Nevers" in nevers.epci.name
    assert nevers.population > 30_000
    assert 46.9 < nevers.latitude < 47.1 and 3.1 < nevers.longitude < 3.2


def test_reloading_is_idempotent(db):
    before = Commune.objects.count()
    nevers_id = Commune.objects.get(code="58194").pk
    load_territory()
    assert Commune.objects.count() == before
    assert Commune.objects.get(code="58194").pk == nevers_id


def test_it_reads_a_wkb_point_as_latitude_longitude():
    # POINT(3.5 47.25), little-endian WKB
    assert parse_wkb_point("01010000000000000000000C400000000000A04740") == (47.25, 3.5)
    assert parse_wkb_point("") is None


def test_the_centroid_of_a_square_is_its_middle():
    # POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))
    square = (
        "010300000001000000050000000000000000000000000000000000000000000000000000400000000000000000"
        "0000000000000040000000000000004000000000000000000000000000000040000000000000000000000000"
        "00000000"
    )
    assert polygon_centroid(square) == (1.0, 1.0)
