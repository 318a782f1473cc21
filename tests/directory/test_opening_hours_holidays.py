"""Opening hours in the whole OSM grammar: "ouvert maintenant" on French public holidays, and imports that use it."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from aiguillage.lib import opening_hours
from directory.importers.files import import_file
from directory.models import Place
from directory.search import SearchQuery, search
from tests.directory.factories import native_file, native_place
from tests.factories import make_place

PARIS = ZoneInfo("Europe/Paris")
OFFICE = "Mo-Fr 08:30-12:00,13:30-17:00; PH off"
SEASONS = "week 01-26 Mo-Fr 09:00-12:00; week 27-53 Mo 09:00-12:00; PH off"


def _moment(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=PARIS)


def _page(client, place: Place) -> str:
    return client.get(place.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-12-25", "Fermé en ce moment, ouvre demain à 8 h 30"),  # Christmas, a Thursday
        ("2025-07-14", "Fermé en ce moment, ouvre demain à 8 h 30"),  # Bastille Day, a Monday
        ("2026-12-25", "Fermé en ce moment, ouvre lundi à 8 h 30"),  # a Friday: next opening after the week end
        ("2025-07-15", "Ouvert maintenant, ferme à 12 h"),
    ],
)
def test_the_place_page_says_open_or_closed_right_on_public_holidays(db, client, day, expected):
    place = make_place(name="Mairie", opening_hours=OFFICE, services=("admin_procedures",))
    with time_machine.travel(_moment(day), tick=False):
        page = _page(client, place)
    assert expected in page
    if expected.startswith("Fermé"):
        assert "Ouvert maintenant" not in page


def test_the_open_now_filter_leaves_out_a_place_closed_for_a_public_holiday(db):
    closed_on_holidays = make_place(name="Mairie", opening_hours=OFFICE)
    always = make_place(name="Borne", opening_hours="Mo-Fr 08:30-12:00")
    for day, expected in (("2025-12-25", {always.pk}), ("2025-12-26", {always.pk, closed_on_holidays.pk})):
        result = search(SearchQuery(open_now=True, now=_moment(day)), page_size=10)
        assert {hit.place.pk for hit in result.hits} == expected, day


def test_an_overseas_place_is_open_by_its_own_clock(db, client):
    # 14:00 in Paris is 9:00 in Guadeloupe (UTC-4) in winter: the office there has just opened.
    place = make_place(name="Médiathèque", commune="97105", opening_hours="Mo-Fr 09:00-12:00")
    assert opening_hours.place_timezone("97105") == "America/Guadeloupe"
    with time_machine.travel(_moment("2025-12-22", "14:00"), tick=False):
        assert "Ouvert maintenant, ferme à 12 h" in _page(client, place)
    with time_machine.travel(_moment("2025-12-22", "12:30"), tick=False):
        assert "Fermé en ce moment, ouvre à 9 h" in _page(client, place)


def test_a_national_file_with_week_numbers_and_ph_off_imports_and_reads_right(db, client):
    data = (
        "id,nom,commune,code_postal,code_insee,adresse,date_maj,services,horaires\n"
        "saisons,Espace numérique,Nevers,58000,58194,1 rue du Pont,2025-01-02,"
        f'Aide aux démarches administratives,"{SEASONS}"\n'
    ).encode()
    report = import_file(data, format_name="mednum", actor="tests", dry_run=False)
    assert report.ok and report.created == 1 and report.warnings == []
    place = Place.objects.get(source_id="saisons")
    assert place.opening_hours == SEASONS
    assert opening_hours.is_open_at(SEASONS, _moment("2025-03-05")) is True  # week 10, a Wednesday
    assert opening_hours.is_open_at(SEASONS, _moment("2025-09-03")) is False  # week 36, a Wednesday
    assert opening_hours.is_open_at(SEASONS, _moment("2025-09-01")) is True  # week 36, a Monday
    assert opening_hours.is_open_at(SEASONS, _moment("2025-07-14")) is False  # a Monday, Bastille Day
    # Beyond the weekly grid, the page shows the coming days as the library evaluates them.
    with time_machine.travel(_moment("2025-07-14", "09:30"), tick=False):
        page = _page(client, place)
    assert "Lundi 14 juillet" in page and "Mardi 15 juillet" in page
    assert "Lundi 21 juillet" not in page
    # Bastille Day is a Monday, the only day of week 29 it opens: next opening a week later.
    assert "Fermé en ce moment, ouvre le 21 juillet à 9 h" in page


def test_the_native_format_and_a_stop_accept_the_whole_grammar(db):
    place = native_place(
        opening_hours="Sep-Jun Tu-Sa 10:00-18:00; Jul-Aug off; PH off",
        stops=[{"position": 1, "commune": "58149", "schedule": "week 02-52/2 We 14:00-18:00"}],
    )
    report = import_file(native_file(place), format_name="native", actor="tests", dry_run=False)
    assert report.ok, [str(problem) for problem in report.errors]
    saved = Place.objects.get(source_id="fablab-essai")
    assert saved.opening_hours.startswith("Sep-Jun")
    assert saved.stops.get().schedule == "week 02-52/2 We 14:00-18:00"


def test_a_value_outside_the_grammar_is_still_refused_in_french(db):
    data = (
        "id,nom,code_insee,code_postal,adresse,date_maj,services,horaires\n"
        "x,Lieu,58194,58000,1 rue,2025-01-02,Aide aux démarches administratives,Lundi 9h-12h\n"
    ).encode()
    report = import_file(data, format_name="mednum", actor="tests", dry_run=False)
    assert report.ok and [str(problem) for problem in report.warnings] == [
        "ligne 2 « Lieu » — horaires : Horaires illisibles : « Lundi 9h-12h » (« Lundi » : jour inconnu, utilisez "
        "Mo, Tu, We, Th, Fr, Sa, Su ou PH). Horaires ignorés."
    ]
    assert Place.objects.get().opening_hours == ""


def test_the_demo_hours_all_read_through_the_library(db):
    call_command("load_demo", stdout=io.StringIO())
    specs = [spec for spec in Place.objects.values_list("opening_hours", flat=True) if spec]
    assert specs and all(opening_hours.is_valid(spec) for spec in specs)
    moment = _moment("2025-12-25")
    assert all(opening_hours.is_open_at(spec, moment) is not None for spec in specs)
    assert json.dumps(specs)  # plain strings
