"""A person who lost the tracking link asks for a new one, by email or by phone; the old link dies."""

import html
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from demandes.models import EventKind
from tests.accounts.factories import make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _path(link: str) -> str:
    return urlsplit(link).path


def _track(created) -> str:
    return reverse("demandes:track", kwargs={"reference": created.request.reference, "key": created.tracking_key})


@pytest.fixture
def coordinator(db):
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    return make_coordinator("coordination@example.org")


def test_by_email_a_new_link_is_sent_and_the_old_one_dies(client, coordinator, django_capture_on_commit_callbacks):
    created = make_request(contact_email="habitant@example.org")
    old = _track(created)
    assert client.get(old).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demandes:lost_link"), {"contact": "Habitant@Example.org"})
    assert response.status_code == 200
    assert "un nouveau lien de suivi vient d'y être envoyé" in _text(response)
    assert client.get(old).status_code == 404
    (message,) = mail.outbox
    assert message.to == ["habitant@example.org"]
    new = next(word for word in message.body.split() if "/suivi/" in word)
    assert _path(new) != old
    assert client.get(_path(new)).status_code == 200
    assert created.request.events.filter(kind=EventKind.LINK_REISSUED).count() == 1


def test_the_answer_is_the_same_for_an_unknown_address(client, coordinator, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demandes:lost_link"), {"contact": "personne@example.org"})
    assert response.status_code == 200
    assert "un nouveau lien de suivi vient d'y être envoyé" in _text(response)
    assert mail.outbox == []


def test_by_phone_the_coordinators_are_asked_to_call_back(client, coordinator, django_capture_on_commit_callbacks):
    created = make_request(contact_email="", contact_phone="06 12 34 56 78")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demandes:lost_link"), {"contact": "+33612345678"})
    assert "vous rappellera" in _text(response)
    (message,) = mail.outbox
    assert message.to == ["coordination@example.org"]
    assert created.request.reference in message.body and "06 12 34 56 78" in message.body
    assert client.get(_track(created)).status_code == 200  # nothing changes until the coordinator acts


def test_a_coordinator_gives_a_new_link_on_the_phone(client, coordinator, django_capture_on_commit_callbacks):
    created = make_request(contact_email="", contact_phone="06 12 34 56 78")
    old = _track(created)
    client.force_login(coordinator)
    url = reverse("demandes:new_link", kwargs={"reference": created.request.reference})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    link = response.context["link"]
    assert link.startswith("http") and created.request.reference in link
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(_path(link)).status_code == 200


def test_only_coordinators_give_new_links(client, coordinator):
    created = make_request()
    url = reverse("demandes:new_link", kwargs={"reference": created.request.reference})
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(make_user("camille@fablab.example"))
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("contact", ["", "pas un contact", "=HYPERLINK(1)", "a@b"])
def test_bad_input_gets_a_french_message(client, coordinator, contact):
    response = client.post(reverse("demandes:lost_link"), {"contact": contact})
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in _text(response)


def test_asking_again_and_again_is_limited(client, coordinator, settings):
    settings.LOST_LINK_THROTTLE_PER_CONTACT = 2
    for _ in range(2):
        assert client.post(reverse("demandes:lost_link"), {"contact": "x@example.org"}).status_code == 200
    response = client.post(reverse("demandes:lost_link"), {"contact": "x@example.org"})
    assert response.status_code == 429 and "Réessayez dans une heure" in _text(response)
