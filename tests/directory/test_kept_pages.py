"""Public pages kept as rendered for anonymous visitors (aiguillage.page_cache): a kept page is the page a fresh
rendering would give, whatever was written since, and never what one visitor alone should see."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Equipment, Operator, Term
from legal.pages import save_help_line
from tests.accounts.factories import make_coordinator
from tests.factories import make_place, term
from tests.library.factories import coordinator, make_event, make_resource

PARIS = ZoneInfo("Europe/Paris")
RESULTS = {"q": "imprimante 3D", "commune": "58194", "rayon": "30"}


def _get(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_place_page_is_served_again_without_a_query_and_follows_every_write(client, db):
    place = make_place(name="Fablab du Pont", equipment=("3d_printer",))
    first, fresh_queries = _get(client, place.get_absolute_url())
    again, kept_queries = _get(client, place.get_absolute_url())
    assert again == first and fresh_queries > 0 and kept_queries == 0
    # Its record, a relation, a machine: the next visitor sees them.
    place.phone = "03 86 00 00 01"
    place.save()
    assert "03 86 00 00 01" in _get(client, place.get_absolute_url())[0]
    place.services.add(term("service", "training"))
    assert term("service", "training").label in _get(client, place.get_absolute_url())[0]
    Equipment.objects.create(place=place, kind=term("equipment", "laser_cutter"))
    assert term("equipment", "laser_cutter").label in _get(client, place.get_absolute_url())[0]
    # What every place page shows besides the record: a vocabulary's label, the operator, the library, the footer.
    machine = Term.objects.get(pk=term("equipment", "3d_printer").pk)
    machine.label = "Imprimante en trois dimensions"
    machine.save()
    assert "Imprimante en trois dimensions" in _get(client, place.get_absolute_url())[0]
    place.operator = Operator.objects.create(name="Communauté de communes du Pont")
    place.save()
    assert "Communauté de communes du Pont" in _get(client, place.get_absolute_url())[0]
    make_resource(title="Guide de l'impression 3D", places=[place])
    assert "Guide de l&#x27;impression 3D" in _get(client, place.get_absolute_url())[0]
    save_help_line(phone="03 86 11 22 33", hours="du lundi au vendredi", actor=coordinator())
    assert "03 86 11 22 33" in _get(client, place.get_absolute_url())[0]


def test_one_place_written_leaves_the_others_kept(client, db):
    one, other = make_place(name="Un"), make_place(name="Autre")
    _get(client, one.get_absolute_url()), _get(client, other.get_absolute_url())
    one.summary = "Nouveau résumé"
    one.save()
    assert _get(client, other.get_absolute_url())[1] == 0
    page, queries = _get(client, one.get_absolute_url())
    assert "Nouveau résumé" in page and queries > 0


def test_results_and_map_follow_a_new_place(client, db):
    make_place(name="Premier fablab", equipment=("3d_printer",))
    for view in ("directory:results", "directory:map"):
        page, _ = _get(client, reverse(view), RESULTS)
        assert "Premier fablab" in page and "Second fablab" not in page
        assert _get(client, reverse(view), RESULTS)[1] == 0
    make_place(name="Second fablab", equipment=("3d_printer",))
    for view in ("directory:results", "directory:map"):
        assert "Second fablab" in _get(client, reverse(view), RESULTS)[0]


def test_a_signed_in_reader_always_gets_a_fresh_page(client, db):
    place = make_place(name="Fablab du Pont")
    _get(client, place.get_absolute_url())
    client.force_login(make_coordinator())
    page, queries = _get(client, place.get_absolute_url())
    assert queries > 0 and "Modifier" in page


def test_a_message_waiting_for_one_visitor_is_neither_kept_nor_served_a_copy(client, db, rf):
    place = make_place(name="Fablab du Pont")
    _get(client, place.get_absolute_url())  # a copy is kept
    # This visitor has a message waiting (as after a form): they get a fresh page that shows it…
    storage = CookieStorage(rf.get("/"))
    message = Message(constants.SUCCESS, "Votre signalement est bien arrivé.")
    client.cookies[storage.cookie_name] = storage._encode([message])
    page, queries = _get(client, place.get_absolute_url())
    assert "Votre signalement est bien arrivé." in page and queries > 0
    # … and the next visitor gets the copy kept before, without it.
    page, queries = _get(Client(), place.get_absolute_url())
    assert "Votre signalement est bien arrivé." not in page and queries == 0


def test_a_kept_place_page_says_open_only_until_it_closes(client, db):
    place = make_place(name="Espace numérique", opening_hours="Mo-Fr 09:00-12:00")
    with time_machine.travel(dt.datetime(2026, 12, 7, 11, 50, tzinfo=PARIS), tick=False):
        assert "Ouvert maintenant, ferme à 12 h" in _get(client, place.get_absolute_url())[0]
        assert _get(client, place.get_absolute_url())[1] == 0
    with time_machine.travel(dt.datetime(2026, 12, 7, 11, 59, tzinfo=PARIS), tick=False):
        assert _get(client, place.get_absolute_url())[1] == 0  # still true
    with time_machine.travel(dt.datetime(2026, 12, 7, 12, 1, tzinfo=PARIS), tick=False):
        page, queries = _get(client, place.get_absolute_url())
        assert "Fermé en ce moment" in page and queries > 0


def test_kept_results_say_open_only_until_a_card_changes_and_open_now_is_never_kept(client, db):
    make_place(name="Fablab du matin", equipment=("3d_printer",), opening_hours="Mo-Fr 09:00-12:00")
    with time_machine.travel(dt.datetime(2026, 12, 7, 11, 50, tzinfo=PARIS), tick=False):
        assert "ferme à 12 h" in _get(client, reverse("directory:results"), RESULTS)[0]
        assert _get(client, reverse("directory:results"), RESULTS)[1] == 0
        open_now = {**RESULTS, "ouvert": "on"}
        _get(client, reverse("directory:results"), open_now)
        assert _get(client, reverse("directory:results"), open_now)[1] > 0
    with time_machine.travel(dt.datetime(2026, 12, 7, 12, 1, tzinfo=PARIS), tick=False):
        page, queries = _get(client, reverse("directory:results"), RESULTS)
        assert "ferme à 12 h" not in page and queries > 0


def test_the_agenda_is_kept_until_its_first_event_ends(client, db):
    event = make_event(title="Atelier courriel", days_ahead=0, hours=1)
    assert "Atelier courriel" in _get(client, reverse("library:agenda"))[0]
    assert _get(client, reverse("library:agenda"))[1] == 0
    with time_machine.travel(event.ends_at + dt.timedelta(minutes=1), tick=False):
        page, queries = _get(client, reverse("library:agenda"))
        assert "Atelier courriel" not in page and queries > 0


def test_an_address_with_parameters_the_page_does_not_read_is_never_kept(client, db):
    # Otherwise made-up addresses would fill the cache with copies of one page.
    place = make_place(name="Fablab du Pont", equipment=("3d_printer",))
    for url, params in (
        (place.get_absolute_url(), {"utm_source": "x"}),
        (reverse("directory:results"), {**RESULTS, "x": "1"}),
    ):
        _get(client, url, params)
        page, queries = _get(client, url, params)
        assert "Fablab du Pont" in page and queries > 0
