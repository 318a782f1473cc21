import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from directory import freshness
from directory.models import ChangeKind, CoordinatorDigest, PlaceChange
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place

PARIS = dt.timezone(dt.timedelta(hours=1))


def at(day: str, hour: int = 7) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS), tick=False)


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", verified=True, date_maj=dt.date(2026, 1, 10))


@pytest.fixture
def manager(fablab):
    return make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(fablab,))


def _run(capture) -> list:
    mail.outbox.clear()
    with capture(execute=True):
        call_command("remind_stale_places", verbosity=0)
    return [message for message in mail.outbox if "camille@fablab.example" in message.to]


def test_a_record_is_due_after_its_own_frequency(fablab):
    with at("2026-07-09"):
        assert not fablab.is_stale
        assert fablab.review_due_on == dt.date(2026, 7, 10)
    with at("2026-07-10"):
        assert fablab.is_stale
        assert list(type(fablab).objects.stale()) == [fablab]
    fablab.review_every_months = 12
    fablab.save()
    with at("2026-07-10"):
        assert not type(fablab).objects.stale().exists()


def test_the_reminder_schedule_does_not_nag(fablab, manager, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_INTERVALS_DAYS = [7, 21, 60]
    sent = []
    day = dt.date(2026, 7, 1)
    while day <= dt.date(2026, 12, 31):
        with at(day.isoformat()):
            if _run(django_capture_on_commit_callbacks):
                sent.append(day)
        day += dt.timedelta(days=1)
    # Due on 10 July; then after 7, 21 and every 60 days.
    assert sent == [
        dt.date(2026, 7, 10),
        dt.date(2026, 7, 17),
        dt.date(2026, 8, 7),
        dt.date(2026, 10, 6),
        dt.date(2026, 12, 5),
    ]


def test_the_reminder_holds_a_working_one_click_confirmation(
    client, fablab, manager, django_capture_on_commit_callbacks
):
    with at("2026-07-10"):
        (message,) = _run(django_capture_on_commit_callbacks)
        assert message.subject.endswith("La fiche Fablab de Luzy est à vérifier")
        assert message.alternatives[0][1] == "text/html"
        link = next(line for line in message.body.splitlines() if "/fiche-a-jour/" in line)
        path = link.split("http://127.0.0.1:8000", 1)[1]
        # Opening the link (as mail scanners do) changes nothing.
        assert client.get(path).status_code == 200
        fablab.refresh_from_db()
        assert fablab.date_maj == dt.date(2026, 1, 10)
        assert client.post(path).status_code == 200
        fablab.refresh_from_db()
        assert fablab.date_maj == dt.date(2026, 7, 10) and fablab.reminder_count == 0
        assert PlaceChange.objects.get().kind == ChangeKind.CONFIRM and PlaceChange.objects.get().actor == manager
    # Confirmed: no reminder until the next due date.
    with at("2026-07-17"):
        assert _run(django_capture_on_commit_callbacks) == []


def test_a_tampered_or_expired_confirmation_link_is_refused(client, fablab, manager, settings):
    token = freshness.confirm_token(fablab, manager)
    assert client.post(reverse("directory:confirm_by_link", kwargs={"token": token[:-3] + "abc"})).status_code == 400
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=settings.CONFIRM_LINK_MAX_AGE_DAYS + 1)):
        response = client.post(reverse("directory:confirm_by_link", kwargs={"token": token}))
        assert response.status_code == 400 and "Ce lien a expiré" in response.content.decode()
    fablab.refresh_from_db()
    assert fablab.date_maj == dt.date(2026, 1, 10)


def test_a_link_stops_working_when_the_person_no_longer_manages_the_place(client, fablab, manager):
    token = freshness.confirm_token(fablab, manager)
    fablab.managers.remove(manager)
    assert client.post(reverse("directory:confirm_by_link", kwargs={"token": token})).status_code == 400


def test_coordinators_get_a_weekly_digest_of_overdue_and_unmanaged_places(
    fablab, settings, django_capture_on_commit_callbacks
):
    settings.COORDINATOR_DIGEST_DAYS = 7
    make_coordinator()
    make_place(name="Médiathèque sans gestionnaire", verified=True, date_maj=dt.date(2026, 6, 1))
    digests = []
    for offset in range(15):
        day = dt.date(2026, 7, 10) + dt.timedelta(days=offset)
        with at(day.isoformat()):
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                freshness.send_reminders()
            digests += [(day, m) for m in mail.outbox if m.to == ["coordination@example.org"]]
    assert [day for day, _ in digests] == [dt.date(2026, 7, 10), dt.date(2026, 7, 17), dt.date(2026, 7, 24)]
    body = digests[0][1].body
    assert "1 fiches à revérifier" in body and "2 lieux sans gestionnaire" in body
    assert "Médiathèque sans gestionnaire" in body
    assert CoordinatorDigest.objects.count() == 3


def test_closed_places_are_never_reminded(fablab, manager, django_capture_on_commit_callbacks):
    fablab.status = "closed"
    fablab.save()
    with at("2026-07-10"):
        assert _run(django_capture_on_commit_callbacks) == []


def test_the_quality_dashboard_lists_what_needs_care(client, db):
    make_coordinator()
    make_place(name="Jamais vérifié")
    make_place(name="Point lointain", point_to_check=True, verified=True, date_maj=dt.date.today())
    make_place(name="Fermé en 2026", status="closed", status_date=dt.date.today() - dt.timedelta(days=30))
    make_place(name="Fermé il y a longtemps", status="closed", status_date=dt.date(2019, 1, 1))
    client.login(username="coordination@example.org", password=PASSWORD)
    response = client.get(reverse("directory:quality"))
    assert response.status_code == 200
    sections = {section["key"]: [p.name for p in section["places"]] for section in response.context["sections"]}
    assert sections["overdue"] == ["Jamais vérifié"]
    assert set(sections["unmanaged"]) == {"Jamais vérifié", "Point lointain"}
    assert sections["point"] == ["Point lointain"]
    assert sections["closed"] == ["Fermé en 2026"]


@pytest.mark.parametrize("role", [Role.PLACE_MANAGER, Role.MEDIATOR, Role.PARTNER])
def test_the_dashboard_is_for_coordinators(client, db, role):
    make_user("personne@example.org", role=role)
    client.login(username="personne@example.org", password=PASSWORD)
    assert client.get(reverse("directory:quality")).status_code == 403


def test_an_overdue_record_reads_a_verifier_on_its_public_page(client, fablab):
    with at("2026-07-10", hour=12):
        assert "À vérifier" in client.get(fablab.get_absolute_url()).content.decode()
    with at("2026-07-09", hour=12):
        assert "Informations vérifiées le 10 janvier 2026" in client.get(fablab.get_absolute_url()).content.decode()
