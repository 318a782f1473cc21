"""The agenda: events, itinerant stops from the directory, registrations with a cap and a waiting list, iCal."""

import datetime as dt
import html

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from directory.models import ItinerantStop
from library.actions import ActionRefused
from library.actions.agenda import cancel_event, cancel_registration, register
from library.models import Event, EventStatus, RegistrationStatus
from library.stops import stop_visits
from territory.models import Commune
from tests.accounts.factories import PASSWORD
from tests.factories import make_place
from tests.library.factories import coordinator, make_event, make_resource, mediator, theme


def text(response) -> str:
    return html.unescape(response.content.decode())


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_a_mediator_proposes_an_event_at_a_place_and_the_coordination_publishes_it(client, db):
    fablab = make_place(name="Fablab de Luzy", commune="58149")
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("library:event_new"),
        {
            "title": "Découvrir l'impression 3D",
            "kind": "workshop",
            "description": "Deux heures pour imprimer son premier objet.",
            "day": day.isoformat(),
            "start": "14:00",
            "end": "16:00",
            "place": fablab.pk,
            "registration": "simple",
            "capacity": "8",
            "themes": [theme("digital_fabrication").pk],
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.status, event.place, event.capacity) == (EventStatus.DRAFT, fablab, 8)
    assert timezone.localtime(event.starts_at).hour == 14
    assert "Découvrir l'impression 3D" not in text(client.get(reverse("library:agenda")))
    client.login(username=coordinator().email, password=PASSWORD)
    client.post(reverse("library:event_status", args=[event.pk]), {"action": "publish"})
    client.logout()
    assert "Découvrir l'impression 3D" in text(client.get(reverse("library:agenda")))
    assert "Découvrir l'impression 3D" in text(client.get(fablab.get_absolute_url()))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "13:00"}, "La fin doit venir après le début."),
        ({"place": "", "online": ""}, "Dites où a lieu l'événement"),
        ({"registration": "link"}, "Donnez le lien d'inscription."),
        ({"day": "31/02/2026"}, "Cette date n'est pas valable"),
        ({"capacity": "0"}, "Au moins une place."),
    ],
)
def test_a_bad_event_is_refused_in_french_and_nothing_is_stored(client, db, changes, message):
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    data = {
        "title": "Atelier",
        "kind": "workshop",
        "description": "x",
        "day": "2030-05-02",
        "start": "14:00",
        "end": "16:00",
        "online": "on",
        "registration": "simple",
        **changes,
    }
    response = client.post(reverse("library:event_new"), data)
    assert response.status_code == 400 and message in text(response)
    assert not Event.objects.exists()


def test_registrations_fill_the_seats_then_the_waiting_list_which_moves_up(db, django_capture_on_commit_callbacks):
    event = make_event(registration="simple", capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first = register(event=event, name="Ana", email="ana@example.org")
        register(event=event, name="Ben", email="ben@example.org")
        third = register(event=event, name="Chloé", email="chloe@example.org")
    assert [first.status, third.status] == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    assert "liste d'attente" in mail.outbox[-1].body
    with pytest.raises(ActionRefused, match="déjà inscrite"):
        register(event=event, name="Ana", email="ANA@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(token=first.token)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED and third.promoted_at is not None
    assert mail.outbox[-1].to == ["chloe@example.org"] and "Une place s'est libérée" in mail.outbox[-1].subject
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_raising_the_cap_promotes_the_waiting_list(client, db):
    event = make_event(registration="simple", capacity=1)
    register(event=event, name="Ana", email="ana@example.org")
    waiting = register(event=event, name="Ben", email="ben@example.org")
    from library.actions.agenda import EventContent, update_event

    update_event(
        event=event,
        actor=coordinator(),
        content=EventContent(
            title=event.title,
            kind=event.kind,
            description=event.description,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            online=True,
            registration="simple",
            capacity=2,
        ),
    )
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_the_registration_page_works_without_an_account(client, db):
    event = make_event(registration="simple", capacity=1)
    url = reverse("library:register", args=[event.pk])
    response = client.post(url, {"name": "Ana", "email": "ana@example.org", "site_web": ""})
    assert response.status_code == 200 and "Vous êtes inscrit" in text(response)
    response = client.post(url, {"name": "Ben", "email": "ben@example.org", "site_web": ""})
    assert "liste d'attente" in text(response)
    bad = client.post(url, {"name": "", "email": "pas-une-adresse", "site_web": ""})
    assert bad.status_code == 400 and "Cette adresse n'est pas valable." in text(bad)
    assert event.registrations.count() == 2
    registration = event.registrations.first()
    page = client.get(reverse("library:registration_cancel", args=[registration.token]))
    assert "Me désinscrire" in text(page)
    client.post(reverse("library:registration_cancel", args=[registration.token]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_registrations_close_for_past_drafts_and_cancelled_events(db):
    for event in (
        make_event(registration="simple", days_ahead=-3),
        make_event(registration="simple", published=False),
        cancel_event(event=make_event(registration="simple"), actor=coordinator()),
    ):
        with pytest.raises(ActionRefused, match="fermées"):
            register(event=event, name="Ana", email="ana@example.org")


def test_registrations_are_rate_limited(client, db, settings):
    settings.LIBRARY_REGISTRATION_THROTTLE_PER_IP = 1
    event = make_event(registration="simple")
    url = reverse("library:register", args=[event.pk])
    client.post(url, {"name": "Ana", "email": "ana@example.org", "site_web": ""})
    assert client.post(url, {"name": "Ben", "email": "ben@example.org", "site_web": ""}).status_code == 429


def test_cancelling_an_event_keeps_it_listed_and_tells_registrants(db, django_capture_on_commit_callbacks):
    event = make_event(registration="simple", title="Webinaire IA")
    register(event=event, name="Ana", email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event=event, actor=coordinator(), note="Reporté en mai.")
    assert mail.outbox[-1].to == ["ana@example.org"] and "Reporté en mai." in mail.outbox[-1].body
    assert Event.objects.listed().filter(pk=event.pk).exists()


@pytest.fixture
def micro_folie(db):
    place = make_place(name="Micro-Folie itinérante", commune="58149", is_itinerant=True)
    ItinerantStop.objects.create(place=place, commune=Commune.objects.get(code="58182"), schedule="We[1] 14:00-18:00")
    ItinerantStop.objects.create(place=place, commune=Commune.objects.get(code="58046"), schedule="n'importe quoi")
    return place


def test_the_stops_of_itinerant_places_become_dated_visits(micro_folie):
    visits = stop_visits(start=dt.date(2026, 3, 1), days=62)
    assert [timezone.localtime(visit.starts_at).date() for visit in visits] == [
        dt.date(2026, 3, 4),
        dt.date(2026, 4, 1),
    ]
    assert timezone.localtime(visits[0].starts_at).hour == 14 and timezone.localtime(visits[0].ends_at).hour == 18
    assert visits[0].title == f"Micro-Folie itinérante à {Commune.objects.get(code='58182').name}"


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_the_agenda_shows_events_and_stops_in_time_order(client, micro_folie):
    make_event(
        title="Atelier du 3 mars",
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1, hours=2),
    )
    make_event(
        title="Atelier du 10 mars",
        starts_at=timezone.now() + dt.timedelta(days=8),
        ends_at=timezone.now() + dt.timedelta(days=8, hours=2),
    )
    titles = [item.title for item in client.get(reverse("library:agenda")).context["page"]][:3]
    stop_title = f"Micro-Folie itinérante à {Commune.objects.get(code='58182').name}"
    assert titles == ["Atelier du 3 mars", stop_title, "Atelier du 10 mars"]
    filtered = client.get(reverse("library:agenda") + "?nature=stop").context["page"]
    assert {item.title for item in filtered} == {stop_title}


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_the_agenda_keeps_the_visits_until_a_stop_changes(client, micro_folie, django_assert_max_num_queries):
    client.get(reverse("library:agenda"))
    with django_assert_max_num_queries(2):  # the events and the themes; the visits come from memory
        client.get(reverse("library:agenda"))
    ItinerantStop.objects.create(
        place=micro_folie, commune=Commune.objects.get(code="58149"), schedule="Fr[2] 10:00-12:00"
    )
    titles = {item.title for item in client.get(reverse("library:agenda") + "?nature=stop").context["page"]}
    assert f"Micro-Folie itinérante à {Commune.objects.get(code='58149').name}" in titles


def test_past_events_stay_listed_with_their_resources(client, db):
    guide = make_resource(title="Support de l'atelier")
    event = make_event(title="Atelier passé", days_ahead=-10)
    event.resources.set([guide])
    assert "Atelier passé" not in text(client.get(reverse("library:agenda")))
    page = text(client.get(reverse("library:agenda_past")))
    assert "Atelier passé" in page and "Support de l'atelier" in page
    assert "Cet événement est passé." in text(client.get(event.get_absolute_url()))


def test_the_whole_agenda_parses_back_as_rfc_5545(client, micro_folie):
    event = make_event(title="Club innovation", themes=("artificial_intelligence",), location_note="Salle Jules Renard")
    calendar = parse(client.get(reverse("library:ical")))
    assert calendar["VERSION"] == "2.0" and "aiguillage" in str(calendar["PRODID"])
    components = {str(component["SUMMARY"]): component for component in calendar.walk("VEVENT")}
    club = components["Club innovation"]
    assert club["UID"].startswith(str(event.uid)) and club["STATUS"] == "CONFIRMED"
    assert club.decoded("DTSTART") == event.starts_at and club.decoded("DTEND") == event.ends_at
    assert "Salle Jules Renard" in str(club["LOCATION"])
    assert [str(category) for category in club["CATEGORIES"].cats] == ["Intelligence artificielle"]
    assert any("Micro-Folie itinérante" in summary for summary in components)


def test_the_calendars_per_theme_and_per_place_hold_only_their_events(client, db):
    fablab = make_place(name="Fablab", commune="58149")
    make_event(title="Sécurité", themes=("cybersecurity",))
    make_event(title="Au fablab", place=fablab, themes=("digital_fabrication",))
    make_event(title="Brouillon", themes=("cybersecurity",), published=False)
    theme_calendar = parse(client.get(reverse("library:ical_theme", args=["cybersecurity"])))
    place_calendar = parse(client.get(reverse("library:ical_place", args=[fablab.pk])))
    assert [str(event["SUMMARY"]) for event in theme_calendar.walk("VEVENT")] == ["Sécurité"]
    assert [str(event["SUMMARY"]) for event in place_calendar.walk("VEVENT")] == ["Au fablab"]
    (located,) = place_calendar.walk("VEVENT")
    assert located["GEO"].latitude == pytest.approx(fablab.latitude)


def test_a_change_of_time_raises_the_sequence_and_a_cancellation_shows_in_the_calendar(client, db):
    event = make_event(title="Webinaire")
    before = event.sequence
    cancel_event(event=event, actor=coordinator())
    (component,) = parse(client.get(reverse("library:ical"))).walk("VEVENT")
    assert component["STATUS"] == "CANCELLED" and int(component["SEQUENCE"]) > before
