"""A forwarded orientation link does not show the requester's contact details: only the place does."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from demandes import links, transitions
from demandes.models import ContactView
from tests.accounts.factories import make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place

EMAIL = "marie.curie@example.org"


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def accepted_link(db, client, django_capture_on_commit_callbacks):
    fablab = make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), email="fablab@luzy.example")
    created = make_request(contact_email=EMAIL)
    (orientation,) = transitions.orient(
        request=created.request, actor=make_coordinator(), places=[fablab], expected_version=created.request.version
    )
    url = reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})
    client.post(url, {"action": "accept", "note": ""}, REMOTE_ADDR="198.51.100.1")
    return url, orientation


def test_the_browser_that_accepted_sees_the_contact_for_a_short_window(client, accepted_link, settings):
    url, orientation = accepted_link
    assert EMAIL in _text(client.get(url))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=settings.CONTACT_WINDOW_MINUTES + 1)):
        page = _text(client.get(url))
    assert EMAIL not in page and "Recevoir un code" in page


def test_a_forwarded_link_shows_no_contact_until_the_code_sent_to_the_place(
    accepted_link, django_capture_on_commit_callbacks
):
    url, orientation = accepted_link
    other = Client()
    page = _text(other.get(url, REMOTE_ADDR="203.0.113.66"))
    assert EMAIL not in page and "f…@luzy.example" in page
    assert not ContactView.objects.filter(ip="203.0.113.66").exists()

    assert EMAIL not in _text(other.post(url, {"action": "code", "code": "000000"}))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = other.post(url, {"action": "send_code"})
    assert "Code reçu par courriel" in _text(sent)
    (message,) = mail.outbox
    assert message.to == ["fablab@luzy.example"]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    wrong = other.post(url, {"action": "code", "code": "999999" if code != "999999" else "111111"})
    assert wrong.status_code == 400 and "Ce code n'est pas le bon" in _text(wrong)
    response = other.post(url, {"action": "code", "code": code}, REMOTE_ADDR="203.0.113.66")
    assert response.status_code == 302
    assert EMAIL in _text(other.get(url, REMOTE_ADDR="203.0.113.66"))
    assert ContactView.objects.filter(ip="203.0.113.66", context="lien du lieu").exists()


def test_guessing_the_code_is_limited(accepted_link, settings):
    settings.CONTACT_CODE_ATTEMPTS = 3
    url, _ = accepted_link
    other = Client()
    for _ in range(3):
        other.post(url, {"action": "code", "code": "123456"})
    response = other.post(url, {"action": "code", "code": "123456"})
    assert "Trop d'essais" in _text(response)


def test_a_signed_in_manager_of_the_place_sees_the_contact(accepted_link):
    url, orientation = accepted_link
    manager = make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(orientation.place,))
    other = Client()
    other.force_login(manager)
    page = other.get(reverse("demandes:answer_with_account", kwargs={"pk": orientation.pk}))
    assert EMAIL in _text(page)


def test_before_acceptance_no_code_can_be_asked(db, django_capture_on_commit_callbacks):
    fablab = make_place(name="Fablab de Luzy", commune="58149", email="fablab@luzy.example")
    created = make_request(contact_email=EMAIL)
    (orientation,) = transitions.orient(
        request=created.request, actor=make_coordinator(), places=[fablab], expected_version=created.request.version
    )
    url = reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post(url, {"action": "send_code"})
    assert EMAIL not in _text(page) and mail.outbox == []
