import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from territory.models import Commune
from tests.browser.conftest import axe_violations
from tests.factories import make_place

LUZY = "58149"


@pytest.fixture
def directory(transactional_db, settings):
    # A live server test flushes the database after it: load the communes again if a previous one did.
    if not Commune.objects.filter(code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    settings.MAP_TILES_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        equipment=("3d_printer",),
        typologies=("FABLAB",),
        audiences=("individual", "professional"),
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
        phone="03 86 00 00 00",
    )
    make_place(name="Atelier de Nevers", commune="58194", equipment=("3d_printer", "laser_cutter"))
    make_place(name="Médiathèque de Luzy", commune=LUZY, services=("admin_procedures",))
    make_place(name="Ancien fablab", commune=LUZY, equipment=("3d_printer",), status="closed")


def test_someone_finds_a_3d_printer_near_luzy_and_opens_the_place(live_server, page: Page, directory):
    page.goto(live_server.url)
    page.get_by_label("De quoi avez-vous besoin ?").fill("imprimante 3D")
    page.get_by_label("Où ?").fill("Luzy")
    page.get_by_role("button", name="Chercher").click()

    expect(page.get_by_role("status").first).to_contain_text("à moins de 50 km de Luzy (58)")
    results = page.get_by_role("list", name="Lieux trouvés")
    expect(results.get_by_role("heading")).to_have_text(["Fablab de Luzy"])
    expect(page.get_by_text("Ancien fablab")).to_have_count(0)

    page.get_by_role("link", name="Fablab de Luzy").click()
    expect(page).to_have_url(re.compile(r"/lieux/\d+-fablab-de-luzy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fablab de Luzy")
    expect(page.get_by_text("Imprimante 3D")).to_be_visible()
    expect(page.get_by_role("link", name="03 86 00 00 00")).to_have_attribute("href", "tel:0386000000")


def test_the_search_works_from_the_keyboard(live_server, page: Page, directory):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.get_by_label("De quoi avez-vous besoin ?").fill("imprimante 3D")
    page.get_by_label("Où ?").fill("58170")
    page.keyboard.press("Enter")
    expect(page.get_by_role("list", name="Lieux trouvés").get_by_role("heading")).to_have_text(["Fablab de Luzy"])


def test_public_pages_have_no_accessibility_violation(live_server, page: Page, directory):
    page.goto(live_server.url + "/lieux/?q=imprimante+3D&ou=Luzy")
    place_url = page.get_by_role("link", name="Fablab de Luzy").get_attribute("href")
    pages = {
        "accueil": "/",
        "résultats": "/lieux/?q=imprimante+3D&ou=Luzy&rayon=100",
        "erreur de saisie": "/lieux/?rayon=abc",
        "fiche": place_url,
        "carte": "/carte/?q=imprimante+3D&ou=Luzy&rayon=100",
        "données ouvertes": "/donnees/",
        "encart": "/widget/?commune=58149&besoin=imprimante+3D",
        "composer un encart": "/widget/integrer/?commune=Luzy&besoin=imprimante+3D",
    }
    found = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        if name == "carte":
            expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in pages}
