import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from territory.models import Commune, CommuneOutline
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.browser.conftest import axe_violations
from tests.factories import make_place

LUZY, CLAMECY, NEVERS = "58149", "58079", "58194"
PAGES = {
    "synthèse": "/observatoire/?machine=vr_headset",
    "demandes": "/observatoire/demandes/",
    "couverture": "/observatoire/couverture/?sujet=equipment%3A3d_printer",
    "non couverts": "/observatoire/non-couverts/",
    "rapport": "/observatoire/rapport/?sujet=equipment%3A3d_scanner&k=1",
}


@pytest.fixture
def observatory(transactional_db):
    # A live server test flushes the database after it: load the communes (and their outlines) again if needed.
    if not CommuneOutline.objects.filter(commune__code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    assert Commune.objects.filter(code=LUZY).exists()
    make_place(name="FabLab de Luzy", commune=LUZY, equipment=("3d_printer", "laser_cutter"))
    make_place(name="FabLab de Clamecy", commune=CLAMECY, equipment=("3d_printer",))
    make_place(name="Médiathèque de Nevers", commune=NEVERS)
    make_place(
        name="Micro-Folie itinérante", commune=NEVERS, equipment=("vr_headset",), is_itinerant=True, stops=(LUZY,)
    )
    make_coordinator()


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def ask_for_a_scanner_at_clamecy_and_luzy(page: Page) -> None:
    page.get_by_role("link", name="Simulation").click()
    page.get_by_label("Machine ou service").select_option(label="Scanner 3D")
    page.get_by_label("Nombre de lieux à équiper").fill("2")
    page.get_by_label("les lieux ouverts du territoire qui n'en ont pas").check()
    page.get_by_label("la distance moyenne de chaque habitant au lieu le plus proche").check()
    page.get_by_label("Votre scénario à comparer (facultatif)").fill("Clamecy, Luzy")
    page.get_by_role("button", name="Calculer").click()


def test_anyone_reads_the_machines_then_a_coordinator_compares_sites_for_a_scanner(
    live_server, page: Page, browser: Browser, observatory
):
    # One test for the whole journey: each live-server test reloads France's communes after the flush.
    page.goto(live_server.url)
    page.get_by_role("link", name="Observatoire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Observatoire : les machines du territoire")
    page.get_by_label("Machine", exact=True).select_option(label="Casque de réalité virtuelle")
    page.get_by_role("button", name="Afficher la carte").click()
    expect(
        page.get_by_role("img", name="Distance au lieu le plus proche qui a : casque de réalité virtuelle")
    ).to_be_visible()
    expect(page.get_by_text("étape d'un lieu itinérant qui l'a")).to_be_visible()

    sign_in(page, live_server.url)
    page.goto(live_server.url + "/observatoire/")
    ask_for_a_scanner_at_clamecy_and_luzy(page)

    comparison = page.get_by_role("table", name="Comparaison des scénarios (Scanner 3D)")
    expect(comparison.get_by_role("columnheader")).to_have_text(
        ["Indicateur", "Aujourd'hui", "Proposition : la distance moyenne la plus courte", "Votre scénario"]
    )
    expect(comparison.get_by_role("row").nth(1)).to_contain_text("Clamecy, Luzy")
    expect(page.get_by_role("img", name="Aujourd'hui")).to_be_visible()
    expect(page.get_by_role("img", name="Votre scénario")).to_be_visible()
    sites = page.get_by_role("table", name="Lieux à équiper (Scanner 3D)")
    expect(sites.get_by_role("row")).to_have_count(5)  # header, two suggested, Clamecy and Luzy

    found = {"simulation 360": axe_violations(page)}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 320, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    found["simulation 1280"] = axe_violations(page)

    page.get_by_label("Votre scénario à comparer (facultatif)").fill("Atlantis")
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_role("alert")).to_contain_text("Introuvable : « Atlantis »")
    found["simulation refusée"] = axe_violations(page)

    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in PAGES.items():
            page.goto(live_server.url + url)
            found[f"{name} {width}"] = axe_violations(page)
    assert found == {name: [] for name in found}

    # The same journey with JavaScript off: every page is a form that the server answers.
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 360, "height": 740})
    without_js = context.new_page()
    sign_in(without_js, live_server.url)
    without_js.goto(live_server.url + "/observatoire/")
    ask_for_a_scanner_at_clamecy_and_luzy(without_js)
    expect(without_js.get_by_role("table", name="Comparaison des scénarios (Scanner 3D)")).to_contain_text(
        "Clamecy, Luzy"
    )
    context.close()
