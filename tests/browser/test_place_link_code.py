"""The place link's code step in Chromium: the place accepts, comes back after the window, asks for a code,
reads it in its mail and sees the requester's contact details; axe-clean at 360 and 1280 px, no horizontal
scroll at 320 px, and the same without JavaScript."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from demandes import links, transitions
from demandes.models import ContactView
from territory.models import Commune
from tests.accounts.factories import make_coordinator
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.demandes.factories import make_request
from tests.factories import make_place

EMAIL = "marie.curie@example.org"


@pytest.fixture
def link(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    fablab = make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), email="fablab@luzy.example")
    created = make_request(contact_email=EMAIL, contact_name="Marie Curie")
    (orientation,) = transitions.orient(
        request=created.request, actor=make_coordinator(), places=[fablab], expected_version=created.request.version
    )
    return f"/orientation/{links.orientation_token(orientation)}/"


def _checked(page: Page, found: dict, name: str) -> None:
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{name}, {width} px"] = axe_violations(page)
    assert horizontal_overflow(page) == 0, name
    page.set_viewport_size({"width": 360, "height": 800})


def _code_step(page: Page, found: dict | None) -> None:
    """From a link that hides the contact details to the details, through the code sent to the place."""
    expect(page.get_by_role("heading", name="Coordonnées du demandeur")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_have_count(0)
    if found is not None:
        _checked(page, found, "coordonnées masquées")
    mail.outbox.clear()
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.get_by_label("Code reçu par courriel")).to_be_visible()
    if found is not None:
        _checked(page, found, "saisie du code")
    (message,) = mail.outbox
    assert message.to == ["fablab@luzy.example"]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_role("button", name="Voir les coordonnées").click()
    expect(page.get_by_text(EMAIL).first).to_be_visible()
    if found is not None:
        _checked(page, found, "coordonnées affichées")
        page.screenshot(path="/tmp/i10access-contact.png", full_page=True)


def test_the_place_comes_back_after_the_window_and_unlocks_with_the_code(live_server, page: Page, link, settings):
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Nous prenons la demande").click()
    expect(page.get_by_text(EMAIL).first).to_be_visible()

    found: dict = {}
    later = timezone.now() + dt.timedelta(minutes=settings.CONTACT_WINDOW_MINUTES + 5)
    with time_machine.travel(later, tick=True):
        page.goto(live_server.url + link)
        _code_step(page, found)
    assert ContactView.objects.filter(context="lien du lieu").exists()
    assert found == {name: [] for name in found}


def test_the_code_step_works_without_javascript(live_server, browser: Browser, page: Page, link):
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Nous prenons la demande").click()
    expect(page.get_by_text(EMAIL).first).to_be_visible()
    # The link opened in another browser, without JavaScript (a forwarded email, or the place's other computer).
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 320, "height": 800})
    other = context.new_page()
    try:
        other.goto(live_server.url + link)
        _code_step(other, None)
        assert horizontal_overflow(other) == 0
    finally:
        context.close()
