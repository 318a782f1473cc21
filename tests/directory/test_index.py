"""The search index (profiles and points) stays what a rebuild from the places would write, whatever the write path."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from directory import index
from directory.apps import _fill_search_index
from directory.editing import confirm_place
from directory.models import Equipment, ItinerantStop, Place, PlacePoint, Term
from territory.models import Commune
from tests.factories import make_place, term

LUZY, NEVERS, DECIZE = "58149", "58194", "58095"


def _points(place: Place) -> set[tuple[str | None, float, float]]:
    rows = PlacePoint.objects.filter(place=place).values_list("term__code", "latitude", "longitude")
    return {(code, round(latitude, 4), round(longitude, 4)) for code, latitude, longitude in rows}


def test_a_new_place_gets_its_profile_and_one_point_per_term_it_answers(db):
    place = make_place(
        commune=LUZY,
        equipment=("3d_printer",),
        services=("admin_procedures",),
        typologies=("FABLAB",),
        audiences=("professional",),
        accessibility=("deaf",),
    )
    place.refresh_from_db()
    profile = index.Profile.load(place.profile)
    assert profile.equipment == ((term("equipment", "3d_printer").pk, False),)
    assert profile.audiences == (term("audience", "professional").pk,)
    assert profile.accessibility == (term("accessibility", "deaf").pk,)
    codes = {code for code, _, _ in _points(place)}
    # Audiences and accessibility are filters, not needs: they are read from the profile, not indexed.
    assert codes == {None, "3d_printer", "admin_procedures", "FABLAB"}
    assert index.is_consistent()


def test_an_itinerant_unit_is_indexed_at_its_base_and_at_each_stop(db):
    place = make_place(commune=NEVERS, is_itinerant=True, stops=(LUZY, DECIZE), equipment=("vr_headset",))
    where = {(round(lat, 4), round(lon, 4)) for _, lat, lon in _points(place)}
    expected = {
        (round(c.latitude, 4), round(c.longitude, 4)) for c in Commune.objects.filter(code__in=[NEVERS, LUZY, DECIZE])
    }
    assert where == expected
    place.stops.filter(commune__code=DECIZE).get().delete()
    assert len({(lat, lon) for _, lat, lon in _points(place)}) == 2
    assert index.is_consistent()


def test_every_edit_keeps_the_index_in_step(db):
    place = make_place(commune=LUZY, equipment=("3d_printer", "laser_cutter"), services=("admin_procedures",))
    place.services.remove(term("service", "admin_procedures"))
    assert "admin_procedures" not in {code for code, _, _ in _points(place)}
    assert index.is_consistent()
    place.services.add(term("service", "admin_procedures"))
    assert "admin_procedures" in {code for code, _, _ in _points(place)}
    place.typologies.set([term("typology", "FABLAB")])
    place.typologies.clear()
    assert index.is_consistent()
    Equipment.objects.get(place=place, kind__code="laser_cutter").delete()
    assert index.is_consistent()
    ItinerantStop.objects.create(place=place, commune=Commune.objects.get(code=DECIZE))
    assert index.is_consistent()
    place.latitude += 0.01
    place.save()
    assert index.is_consistent()


def test_a_deleted_term_leaves_no_trace_in_the_profiles(db):
    extra = Term.objects.create(vocabulary="service", code="essai", label="Essai")
    place = make_place(commune=LUZY, services=("admin_procedures",))
    place.services.add(extra)
    extra.delete()
    place.refresh_from_db()
    assert extra.pk not in index.Profile.load(place.profile).services
    assert index.is_consistent()


def test_a_place_closed_for_good_leaves_the_index_and_comes_back_when_reopened(db):
    place = make_place(commune=LUZY, equipment=("3d_printer",))
    place.status = "closed"
    place.save()
    assert not PlacePoint.objects.filter(place=place).exists()
    place.status = "open"
    place.save()
    assert PlacePoint.objects.filter(place=place, term__code="3d_printer").exists()


def test_a_deleted_place_takes_its_points_with_it(db):
    place = make_place(commune=LUZY, equipment=("3d_printer",), stops=(DECIZE,))
    place.delete()
    assert not PlacePoint.objects.exists()


def test_confirming_a_record_confirms_its_machines_in_the_profile(db, django_user_model):
    place = make_place(commune=LUZY, equipment=("3d_printer",))
    user = django_user_model.objects.create_user(email="gestion@example.org", password="x")
    confirm_place(place=place, actor=user)
    place.refresh_from_db()
    assert index.Profile.load(place.profile).equipment == ((term("equipment", "3d_printer").pk, True),)
    assert index.is_consistent()


def test_an_import_fills_the_index_although_it_writes_relations_in_bulk(db, tmp_path: Path):
    make_place(commune=NEVERS, equipment=("3d_printer",), name="Déjà là")
    exported = tmp_path / "lieux.json"
    call_command("export_places", str(exported))
    data = json.loads(exported.read_text())
    data["places"][0]["provenance"]["source_id"] = "autre"
    data["places"][0]["name"] = "Importé"
    exported.write_text(json.dumps(data))
    call_command("import_places", str(exported))
    imported = Place.objects.get(name="Importé")
    assert PlacePoint.objects.filter(place=imported, term__code="3d_printer").exists()
    assert index.is_consistent()


def test_a_database_from_before_the_index_gets_it_filled_at_migrate(db):
    place = make_place(commune=LUZY, equipment=("3d_printer",))
    PlacePoint.objects.all().delete()
    _fill_search_index(sender=None)
    assert PlacePoint.objects.filter(place=place).exists()


def test_the_rebuild_command_says_what_it_did(db, capsys):
    make_place(commune=LUZY, equipment=("3d_printer",))
    PlacePoint.objects.all().delete()
    call_command("rebuild_search_index")
    assert "1 lieu" in capsys.readouterr().out
    assert index.is_consistent()


@pytest.mark.parametrize(
    ("west", "east", "expected"),
    [(2.9, 3.6, [5, 6, 7]), (-0.2, 0.2, [-1, 0]), (-179.0, 179.0, None), (-200.0, -179.9, [-360])],
)
def test_a_box_covers_the_longitude_bands_it_crosses(west, east, expected):
    assert index.bands(west, east) == expected


def test_the_check_says_when_the_index_is_behind(db, capsys):
    make_place(commune=LUZY, equipment=("3d_printer",))
    call_command("rebuild_search_index", "--check")
    assert "à jour" in capsys.readouterr().out
    PlacePoint.objects.filter(term__code="3d_printer").delete()  # a direct write, past the signals
    with pytest.raises(SystemExit):
        call_command("rebuild_search_index", "--check")
    assert "n'est pas à jour" in capsys.readouterr().out
    assert not PlacePoint.objects.filter(term__code="3d_printer").exists()  # --check changes nothing
