"""A coordinator's orientations in real Chromium: nothing is "envoyée" that did not leave, and any open place can be
chosen by search; with and without JavaScript."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from demandes.models import Delivery, Orientation
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.demandes.factories import make_request
from tests.factories import make_place

CLUB = "Notre club de foot voudrait broder 300 t-shirts à son logo"


@pytest.fixture
def club_requests(transactional_db):
    if not Commune.objects.filter(code="58218").exists():
        call_command("load_territory", verbosity=0)
    make_place(
        name="EBE 58",
        commune="58218",
        equipment=("embroidery_machine",),
        services=("production_run",),
        phone="03 86 60 00 00",
    )
    make_place(
        name="Médiathèque de Decize",
        commune="58095",
        services=("admin_procedures",),
        email="mediatheque@decize.example",
    )
    make_coordinator()
    return [
        make_request(CLUB, commune="58218", audience="association", quantity=300).request.reference for _ in range(2)
    ]


def _check(page: Page, found: dict, name: str) -> None:
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{name} ({width} px)"] = axe_violations(page)
    found[f"{name} (320 px, débordement)"] = horizontal_overflow(page)
    page.set_viewport_size({"width": 360, "height": 740})


def _journey(page: Page, base: str, reference: str, found: dict | None) -> None:
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + f"/coordination/demandes/{reference}/")
    expect(page.get_by_label("EBE 58 (Prémery)")).to_be_checked()

    # EBE 58 has no email: the page says nothing left and gives the coordinator the call to make.
    page.get_by_role("button", name="Orienter vers les lieux cochés").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Aucun courriel pour EBE 58 au 03 86 60 00 00 : rien n'est parti.")
    expect(status).not_to_contain_text("Demande envoyée")
    task = page.get_by_role("region", name="À transmettre par téléphone")
    expect(task.get_by_role("link", name="03 86 60 00 00")).to_have_attribute("href", "tel:0386600000")
    if found is not None:
        _check(page, found, "demande, appel à passer")
        page.screenshot(path="/tmp/i9routing-task.png", full_page=True)
    page.goto(base + "/coordination/demandes/")
    expect(page.get_by_role("heading", name="À transmettre par téléphone (1)")).to_be_visible()
    if found is not None:
        _check(page, found, "file, appel à passer")
    page.get_by_role("link", name=reference).first.click()

    # A place the engine does not suggest, found by search, oriented to with a message.
    page.get_by_label("Nom du lieu ou commune").fill("mediatheque decize")
    page.get_by_role("button", name="Chercher un lieu").click()
    found_places = page.get_by_role("group", name="Lieux trouvés (1)")
    expect(found_places).to_contain_text("choisi par la coordination")
    expect(found_places).to_contain_text("recevra la demande par courriel")
    if found is not None:
        _check(page, found, "recherche d'un lieu")
        page.screenshot(path="/tmp/i9routing-search.png", full_page=True)
    page.get_by_label("Médiathèque de Decize (Decize)").check()
    page.get_by_label("Message aux lieux (facultatif)").last.fill("Pouvez-vous conseiller ce club ?")
    page.get_by_role("button", name="Orienter vers les lieux choisis").click()
    expect(page.get_by_role("status")).to_contain_text("Demande envoyée par courriel à Médiathèque de Decize.")
    expect(page.get_by_text("Message aux lieux : « Pouvez-vous conseiller ce club ? »")).to_be_visible()

    # The call made, the task leaves the page and the queue.
    page.get_by_role("button", name="C'est transmis par téléphone à EBE 58").click()
    expect(page.get_by_role("status")).to_contain_text("transmise à EBE 58 par téléphone")
    expect(page.get_by_role("region", name="À transmettre par téléphone")).to_have_count(0)
    if found is not None:
        _check(page, found, "demande orientée")
    page.goto(base + "/coordination/demandes/")
    expect(page.get_by_role("heading", name="À transmettre par téléphone (1)")).to_have_count(0)


def test_a_place_without_email_is_never_silently_sent_and_any_place_can_be_chosen_by_search(
    live_server, page: Page, browser: Browser, club_requests
):
    first, second = club_requests
    found: dict = {}
    _journey(page, live_server.url, first, found)
    page.screenshot(path="/tmp/i9routing-orientations.png", full_page=True)
    assert found == {name: ([] if "px)" in name and "débordement" not in name else 0) for name in found}

    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 360, "height": 740})
    try:
        _journey(context.new_page(), live_server.url, second, None)
    finally:
        context.close()

    for reference in (first, second):
        ebe, library = Orientation.objects.filter(request__reference=reference).order_by("place__name")
        assert (ebe.delivery, library.delivery) == (Delivery.PHONE, Delivery.EMAIL)
        assert ebe.phoned_at is not None and library.by_coordination
