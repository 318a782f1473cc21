"""Pages with a person's data are cached nowhere; a signed-in session ends after two idle hours."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from demandes import links, transitions
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place


def _private(response) -> bool:
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), phone="03 86 00 00 00")


def test_the_tracking_page_and_the_confirmation_are_private(client, fablab):
    data = {
        "description": "Imprimer une pièce en 3D",
        "commune": "Luzy",
        "audience": "individual",
        "contact_email": "habitant@example.org",
        "consent": "on",
    }
    response = client.post(reverse("demandes:new"), data)
    assert response.status_code == 200 and _private(response)
    created = make_request()
    track = reverse("demandes:track", kwargs={"reference": created.request.reference, "key": created.tracking_key})
    assert _private(client.get(track))


def test_the_coordinators_request_page_and_the_data_export_are_private(client, fablab):
    coordinator = make_coordinator("coord@example.org")
    created = make_request(contact_email="habitant@example.org")
    client.force_login(coordinator)
    assert _private(client.get(reverse("demandes:detail", kwargs={"reference": created.request.reference})))
    response = client.get(reverse("demandes:export_person"), {"q": "habitant@example.org"})
    assert response.status_code == 200 and _private(response)


def test_the_place_link_after_acceptance_is_private(client, fablab):
    coordinator = make_coordinator("coord@example.org")
    created = make_request(contact_email="habitant@example.org")
    (orientation,) = transitions.orient(
        request=created.request, actor=coordinator, places=[fablab], expected_version=created.request.version
    )
    url = reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})
    client.post(url, {"action": "accept", "note": ""})
    assert _private(client.get(url))


def test_public_pages_stay_cacheable(client, fablab):
    assert not _private(client.get(reverse("directory:home")))


def test_a_signed_in_session_ends_after_two_idle_hours(client, db, settings):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 2 * 3600
    make_user("camille@fablab.example")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post(reverse("accounts:login"), {"username": "camille@fablab.example", "password": PASSWORD})
        assert client.get(reverse("accounts:home")).status_code == 200
        traveller.shift(dt.timedelta(hours=1, minutes=50))
        assert client.get(reverse("accounts:home")).status_code == 200  # activity keeps the session alive
        traveller.shift(dt.timedelta(hours=1, minutes=50))
        assert client.get(reverse("accounts:home")).status_code == 200
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert "_auth_user_id" not in client.session
