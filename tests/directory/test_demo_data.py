import datetime as dt
import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from aiguillage.lib import opening_hours
from directory.importers.complements import apply_complements, read_complements
from directory.importers.demo import COMPLEMENTS_FILE, DEMO_PLACES_FILE, DemoReport, load_demo
from directory.importers.exporter import export_data
from directory.importers.records import PlaceData, SourcedPlace
from directory.models import Equipment, Place, PlaceStatus
from territory.models import Commune


@pytest.fixture
def demo(db: None) -> DemoReport:
    report = load_demo(actor="tests")
    assert report.ok, report.lines()
    return report


def _place(**lookup: str) -> Place:
    return Place.objects.select_related("commune").get(**lookup)


def _codes(place: Place, relation: str) -> set[str]:
    return set(getattr(place, relation).values_list("code", flat=True))


def _equipment(place: Place) -> dict[str, bool]:
    return dict(place.equipment.values_list("kind__code", "verified"))


def test_it_loads_the_bfc_places_the_demo_places_and_their_complements(demo):
    assert (demo.bfc_places, demo.demo_places, demo.complements) == (120, 5, 8)
    assert demo.import_report.created == 125
    assert Place.objects.filter(source="mednum-bfc", licence="odbl-1.0").count() == 120
    assert Place.objects.filter(source="aiguillage-demo", licence="etalab-2.0").count() == 5
    assert not Place.objects.filter(verified=True).exists()


def test_load_demo_twice_changes_nothing_and_duplicates_nothing(demo):
    before = export_data()
    updated_at = sorted(Place.objects.values_list("pk", "updated_at"))
    again = load_demo(actor="tests")
    assert (again.import_report.created, again.import_report.updated, again.import_report.unchanged) == (0, 0, 125)
    assert export_data() == before
    assert sorted(Place.objects.values_list("pk", "updated_at")) == updated_at


def test_the_ecocentre_is_closed_for_good_as_the_minutes_say(demo):
    ecocentre = _place(source_id="mednumBFC_TL_685_")
    assert ecocentre.name == "Ecocentre de Bourgogne - Fabrique de Territoire"
    assert ecocentre.commune.code == "58270"
    assert (ecocentre.status, ecocentre.status_date) == (PlaceStatus.CLOSED, dt.date(2024, 6, 5))
    assert "comité technique" in ecocentre.status_note and "5 juin 2024" in ecocentre.status_note
    assert not Place.objects.public().filter(pk=ecocentre.pk).exists()


def test_ebe_58_in_premery_does_production_runs_for_professionals(demo):
    ebe = _place(source="aiguillage-demo", source_id="ebe58-premery")
    assert ebe.commune.name == "Prémery"
    assert {"production_run", "fabrication_service"} <= _codes(ebe, "services")
    assert "professional" in _codes(ebe, "audiences")
    assert _equipment(ebe) == {"embroidery_machine": True, "heat_press": False}
    # What we cannot know stays empty.
    assert (ebe.address, ebe.phone, ebe.email) == ("", "", "")
    assert ebe.point_source == "commune"


def test_the_itinerant_micro_folie_stops_in_communes_of_its_communaute(demo):
    unit = _place(source_id="micro-folie-bazois-loire-morvan")
    assert unit.is_itinerant
    stops = list(unit.stops.select_related("commune__epci"))
    assert len(stops) >= 3
    assert {stop.commune.epci.name for stop in stops} == {"Communauté de communes Bazois Loire Morvan"}
    assert "58149" in {stop.commune.code for stop in stops}  # Luzy
    for stop in stops:
        assert opening_hours.is_valid(stop.schedule) and stop.schedule
    assert stops[0].schedule == "We[1] 14:00-18:00"


def test_the_micro_folie_of_the_faience_museum_has_a_vr_headset(demo):
    museum = _place(source_id="micro-folie-nevers-faience")
    assert museum.commune.code == "58194"
    assert _codes(museum, "typologies") == {"MICRO_FOLIE"}
    assert _equipment(museum) == {"vr_headset": True}


def test_apf_in_imphy_is_accessible_to_wheelchairs(demo):
    apf = _place(source_id="apf-imphy")
    assert apf.commune.code == "58134"
    assert {"wheelchair_access", "motor_disability"} <= _codes(apf, "accessibility")


def test_the_fablabs_the_minutes_name_get_equipment_to_confirm(demo):
    for bfc_id, town in [
        ("mednumBFC_TL_271_", "Luzy"),
        ("mednumBFC_TL_262_", "Lormes"),
        ("mednumBFC_TL_326_", "Clamecy"),
        ("mednumBFC_TL_552_", "Magny-Cours"),
        ("mednumBFC_TL_310_", "Sougy-sur-Loire"),
        ("mednumBFC_TL_288_", "Courcelles"),
    ]:
        place = _place(source_id=bfc_id)
        assert place.commune.name == town
        assert "3d_printer" in _equipment(place)
        assert not any(_equipment(place).values()), place.name
        assert not place.verified
        assert "initiation" in _codes(place, "services")
    attribut = _place(source_id="attribut-chateauneuf-val-de-bargis")
    assert attribut.commune.code == "58064"
    assert _equipment(attribut) == {"3d_printer": False, "laser_cutter": False}


def test_complements_keep_what_the_source_says(demo):
    sougy = _place(source_id="mednumBFC_TL_310_")
    assert _codes(sougy, "typologies") == {"CYBER_BASE", "MINILAB"}
    # The far point found in the source is still flagged after the complement.
    assert sougy.point_to_check and "km de la commune" in sougy.review_note
    cosne = _place(source_id="mednumBFC_TL_281_")
    assert cosne.commune.code == "58086"
    assert {"BIB", "MINILAB"} == _codes(cosne, "typologies")
    assert "nievre_mediation_numerique" in _codes(cosne, "labels")


def test_unverified_equipment_stays_unverified_across_reloads(demo):
    guessed = set(Equipment.objects.filter(verified=False).values_list("pk", flat=True))
    assert len(guessed) >= 15
    load_demo(actor="tests")
    assert set(Equipment.objects.filter(verified=False).values_list("pk", flat=True)) == guessed
    assert set(Equipment.objects.filter(verified=True).values_list("place__source_id", "kind__code")) == {
        ("ebe58-premery", "embroidery_machine"),
        ("micro-folie-nevers-faience", "vr_headset"),
    }


def test_an_open_place_near_luzy_has_a_3d_printer(demo):
    luzy = Commune.objects.get(code="58149")
    near = [
        place
        for place in Place.objects.public().filter(equipment__kind__code="3d_printer").select_related("commune")
        if luzy.distance_km(place.latitude, place.longitude) < 10
    ]
    assert [place.name for place in near] == ["FabLab de Luzy"]
    assert "58170" in near[0].commune.postcodes


def test_a_complement_whose_place_has_changed_name_is_refused():
    complements, problems = read_complements(COMPLEMENTS_FILE.read_bytes())
    assert problems == []
    records = [
        SourcedPlace(
            "ligne 2",
            PlaceData(name="Autre nom", commune="58270", source="mednum-bfc", source_id="mednumBFC_TL_685_"),
        )
    ]
    problems = apply_complements(records, complements)
    assert any("s'appelle « Autre nom »" in problem.message for problem in problems)
    assert any("aucun lieu mednum-bfc « mednumBFC_TL_271_ »" in problem.message for problem in problems)
    assert records[0].data.status == "open"


def test_every_demo_place_says_it_is_demo_data_under_the_open_licence():
    document = json.loads(DEMO_PLACES_FILE.read_text(encoding="utf-8"))
    for place in document["places"]:
        assert place["provenance"]["source"] == "aiguillage-demo"
        assert place["provenance"]["licence"] == "etalab-2.0"
        assert "street" not in place["address"]
        assert "contact" not in place
        assert place["freshness"]["verified"] is False


def test_the_load_demo_command_prints_a_short_french_summary(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Territoire : déjà présent")
    assert lines[1] == (
        "MedNum BFC : 120 lieux, 0 ligne non placée, 17 points éloignés de la commune remplacés par le point "
        "de la commune (à vérifier)."
    )
    assert lines[3] == "Enregistrement : 125 créés, 0 mis à jour, 0 inchangé."
    assert "crédit « MedNum BFC »" in lines[4]


def test_load_demo_loads_the_territory_when_it_is_missing(db):
    with (
        mock.patch("directory.importers.demo.Commune.objects.exists", return_value=False),
        mock.patch("directory.importers.demo.call_command") as load,
    ):
        report = load_demo(actor="tests")
    load.assert_called_once()
    assert load.call_args.args == ("load_territory",)
    assert report.territory_loaded
