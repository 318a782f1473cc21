import math

import pytest

from aiguillage.lib.geo import haversine_km
from directory.models import Term
from observatory.coverage import beyond_by_area, class_labels, coverage, facilities, france_by_departement
from territory.models import Commune
from tests.factories import make_place

LUZY, NEVERS, CLAMECY, DECIZE, CHATEAU_CHINON = "58149", "58194", "58079", "58095", "58062"


def machine(code: str) -> Term:
    return Term.objects.get(vocabulary="equipment", code=code)


def commune(code: str) -> Commune:
    return Commune.objects.get(code=code)


def by_code(result) -> dict:
    return {row.code: row for row in result.communes}


def test_each_commune_is_as_far_as_its_nearest_place_times_the_road_factor(db, settings):
    settings.ROAD_FACTOR = 1.3
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    make_place(name="Atelier de Nevers", commune=NEVERS, equipment=("3d_printer",))
    rows = by_code(coverage(machine("3d_printer")))
    assert rows[LUZY].km == pytest.approx(0.0, abs=1e-6)
    assert rows[LUZY].nearest.place_name == "Fablab de Luzy"
    # Clamecy is nearer Nevers than Luzy: its distance is the great circle to Nevers' mairie, times 1.3.
    clamecy, nevers, luzy = commune(CLAMECY), commune(NEVERS), commune(LUZY)
    to_nevers = haversine_km(clamecy.latitude, clamecy.longitude, nevers.latitude, nevers.longitude)
    assert to_nevers < haversine_km(clamecy.latitude, clamecy.longitude, luzy.latitude, luzy.longitude)
    assert rows[CLAMECY].km == pytest.approx(1.3 * to_nevers, rel=1e-9)
    assert rows[CLAMECY].nearest.place_name == "Atelier de Nevers"
    # By hand: the mairies are 0.472° of latitude and 0.361° of longitude apart; at 47.2° N that is
    # √(0.472² + (0.361 × cos 47.2°)²) = 0.532° of arc, 0.532 × 111.2 = 59.2 km, and 59.2 × 1.3 = 76.9 km.
    assert rows[CLAMECY].km == pytest.approx(76.9, abs=0.3)


def test_only_open_places_whose_record_states_the_machine_count(db):
    make_place(name="Fermé", commune=LUZY, equipment=("3d_scanner",), status="closed")
    make_place(name="En travaux", commune=LUZY, equipment=("3d_scanner",), status="temporarily_closed")
    make_place(name="Sans scanner", commune=LUZY, equipment=("3d_printer",), typologies=("FABLAB",))
    result = coverage(machine("3d_scanner"))
    assert result.facilities == []
    assert all(math.isinf(row.km) and row.nearest is None for row in result.communes)


def test_confirmed_only_leaves_out_machines_still_to_confirm(db):
    place = make_place(name="Fablab de Luzy", commune=LUZY, equipment=("laser_cutter",))
    assert len(facilities(machine("laser_cutter"))) == 1
    assert facilities(machine("laser_cutter"), confirmed_only=True) == []
    place.equipment.update(verified=True)
    assert [f.confirmed for f in facilities(machine("laser_cutter"), confirmed_only=True)] == [True]


def test_an_itinerant_unit_counts_at_its_stops_not_at_its_home_base(db):
    make_place(
        name="Micro-Folie itinérante",
        commune=NEVERS,
        equipment=("vr_headset",),
        is_itinerant=True,
        stops=(LUZY, CHATEAU_CHINON),
    )
    result = coverage(machine("vr_headset"))
    rows = by_code(result)
    assert [(f.commune_name, f.stop) for f in result.facilities] == [("Luzy", True), ("Château-Chinon (Ville)", True)]
    assert result.place_count == 1
    assert rows[LUZY].km == pytest.approx(0.0, abs=1e-6)
    assert rows[CHATEAU_CHINON].km == pytest.approx(0.0, abs=1e-6)
    nevers, chinon = commune(NEVERS), commune(CHATEAU_CHINON)
    assert rows[NEVERS].km == pytest.approx(
        haversine_km(nevers.latitude, nevers.longitude, chinon.latitude, chinon.longitude), rel=1e-9
    )


def test_an_itinerant_unit_without_stops_counts_at_its_point(db):
    make_place(name="Bus numérique", commune=DECIZE, equipment=("vr_headset",), is_itinerant=True)
    assert by_code(coverage(machine("vr_headset")))[DECIZE].km == pytest.approx(0.0, abs=1e-6)


def test_a_service_counts_where_a_place_lists_it(db):
    training = Term.objects.get(vocabulary="service", code="training")
    make_place(name="Médiathèque", commune=CLAMECY, services=("training",))
    assert by_code(coverage(training))[CLAMECY].km == pytest.approx(0.0, abs=1e-6)


def test_population_beyond_each_threshold_adds_up_by_epci(db):
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    result = coverage(machine("3d_printer"))
    territory, *epcis = beyond_by_area(result)
    assert territory.label == "Nièvre" and territory.communes == 309
    assert territory.population == sum(row.population for row in result.communes)
    assert territory.communes == sum(area.communes for area in epcis)
    for index, threshold in enumerate([10, 20, 30, 45]):
        expected = sum(row.population for row in result.communes if row.km > threshold)
        assert territory.beyond[index] == expected
        assert sum(area.beyond[index] for area in epcis) == expected
    assert territory.beyond == sorted(territory.beyond, reverse=True)
    assert 0 < territory.share(3) < 100


def test_classes_are_named_from_the_thresholds():
    assert class_labels([10, 20, 30, 45]) == [
        "10 km ou moins",
        "10 à 20 km",
        "20 à 30 km",
        "30 à 45 km",
        "plus de 45 km",
        "aucun lieu",
    ]


def test_all_of_france_is_covered_by_departement_and_agrees_with_the_territory(db):
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    make_place(name="Fablab d'Auxerre", commune="89024", equipment=("3d_printer",))
    france, *departements = france_by_departement(machine("3d_printer"))
    assert france.communes == Commune.objects.count() > 34_000
    assert france.population == sum(area.population for area in departements)
    nievre = next(area for area in departements if area.key == "58")
    assert nievre.beyond == beyond_by_area(coverage(machine("3d_printer")))[0].beyond
    finistere = next(area for area in departements if area.key == "29")
    assert finistere.beyond[-1] == finistere.population  # Brest is far from Luzy and Auxerre


def _brute_force_km(result, found, road_factor: float) -> dict[str, float]:
    return {
        row.code: min(
            (road_factor * haversine_km(row.latitude, row.longitude, f.latitude, f.longitude) for f in found),
            default=math.inf,
        )
        for row in result.communes
    }


def test_a_national_directory_counts_the_places_that_serve_the_territory_and_reads_the_near_ones_first(db):
    # The Nièvre's own, one just over the border that is nearest to some of its communes, and the far country.
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    make_place(name="Atelier d'Autun", commune="71014", equipment=("3d_printer",))  # Autun, 20 km from Luzy
    make_place(name="Fablab de Clamecy", commune=CLAMECY, equipment=("3d_printer",))
    for code in ("13055", "59350", "29019", "67482", "33063", "69123"):  # Marseille, Lille, Brest, Strasbourg…
        make_place(name=f"Fablab {code}", commune=code, equipment=("3d_printer",))
    result = coverage(machine("3d_printer"))
    counted = sorted(f.place_name for f in result.counted)
    assert counted == ["Atelier d'Autun", "Fablab de Clamecy", "Fablab de Luzy"]
    assert result.place_count == 3
    # The near ones read first give what all of France gives.
    everything = facilities(machine("3d_printer"))
    assert len(everything) == 9 and len(result.facilities) < len(everything)
    expected = _brute_force_km(result, everything, 1.0)
    assert all(row.km == pytest.approx(expected[row.code], rel=1e-9) for row in result.communes)


def test_a_machine_found_only_far_away_is_measured_against_the_whole_country(db):
    make_place(name="Brodeuse de Marseille", commune="13055", equipment=("embroidery_machine",))
    result = coverage(machine("embroidery_machine"))
    marseille = commune("13055")
    rows = by_code(result)
    nevers = commune(NEVERS)
    assert rows[NEVERS].km == pytest.approx(
        haversine_km(nevers.latitude, nevers.longitude, marseille.latitude, marseille.longitude), rel=1e-9
    )
    assert rows[NEVERS].km > 300 and [f.place_name for f in result.counted] == ["Brodeuse de Marseille"]
