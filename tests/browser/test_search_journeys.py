"""The journeys of issue 9 in a real browser: everyday needs, refining, no dead ends, unknown accessibility,
cards and pages that fit a small phone; with and without JavaScript, axe-core clean at 360 and 1280 px."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from demandes.models import Request
from directory.models import Place
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.factories import make_place

LUZY, NEVERS, DECIZE = "58149", "58194", "58095"
LONG_EMAIL = "accueil.numerique.communaute.de.communes.bazois.loire.morvan@exemple-tres-long.example.org"


@pytest.fixture
def directory(transactional_db, settings):
    if not Commune.objects.filter(code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    settings.MAP_TILES_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    # Records as the imports leave them: a France Services that lists no service, no accessibility.
    make_place(
        name="France Services de Luzy",
        commune=LUZY,
        typologies=("RFS",),
        phone="03 86 30 00 00",
        email=LONG_EMAIL,
        website="https://www.exemple-tres-long.example.org/services/numerique/accompagnement/france-services/luzy",
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
    )
    make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        typologies=("FABLAB",),
        equipment=("3d_printer", "laser_cutter"),
        audiences=("individual", "professional"),
    )
    make_place(
        name="Atelier de Decize",
        commune=DECIZE,
        equipment=("3d_printer", "embroidery_machine"),
        accessibility=("wheelchair_access",),
        audiences=("individual", "professional"),
    )
    make_place(
        name="Fablab à l'étage", commune=NEVERS, equipment=("3d_printer",), accessibility_no=("wheelchair_access",)
    )


def _both_widths(page: Page, found: dict, name: str) -> None:
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{name} ({width} px)"] = axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 740})


def _no_js(browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 360, "height": 740})
    return context.new_page()


def _senior_asks_for_a_tablet(page: Page, base: str) -> None:
    page.goto(base)
    page.get_by_label("De quoi avez-vous besoin ?").fill("tablette")
    page.get_by_label("Où ?").fill("lusy")  # a typo: Luzy
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("status").first).to_contain_text("à moins de 50 km de Luzy (58)")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="France Services de Luzy"))
    expect(card).to_contain_text("À confirmer : appelez avant.")
    expect(card).to_contain_text("les France Services aident d'ordinaire aux démarches en ligne")
    expect(card.get_by_role("link", name="Appeler le 03 86 30 00 00")).to_have_attribute("href", "tel:0386300000")
    expect(card).to_contain_text("Accessibilité non renseignée")


def test_the_senior_asking_about_a_tablet_near_luzy_finds_the_france_services_to_confirm(
    live_server, page: Page, browser: Browser, directory
):
    found: dict = {}
    _senior_asks_for_a_tablet(page, live_server.url)
    _both_widths(page, found, "résultats")
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="France Services de Luzy").click()
    expect(page.get_by_text("Services non renseignés : la fiche ne dit pas encore")).to_be_visible()
    expect(page.get_by_text("Accès en fauteuil roulant non renseigné")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer cette fiche")).to_be_visible()
    _both_widths(page, found, "fiche")
    # A long email and a long address wrap on a small phone.
    assert horizontal_overflow(page) == 0
    assert found == {name: [] for name in found}

    without = _no_js(browser)
    _senior_asks_for_a_tablet(without, live_server.url)
    without.get_by_role("link", name="France Services de Luzy").click()
    expect(without.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    expect(without.get_by_role("button", name="Imprimer cette fiche")).to_be_hidden()
    without.context.close()


def test_refining_changes_the_results_and_the_address_control_by_control(live_server, page: Page, directory):
    page.goto(live_server.url + "/lieux/?q=imprimante+3D&ou=Luzy")
    results = page.get_by_role("list", name="Lieux trouvés")
    expect(results.get_by_role("heading")).to_have_text(["Fablab de Luzy", "Atelier de Decize"])
    expect(page.locator("#id_q")).to_have_count(1)
    page.get_by_text("Affiner la recherche").click()
    expect(page.get_by_label("Distance")).to_have_value("50")

    def apply(step: str) -> dict:
        page.get_by_role("button", name="Appliquer les filtres").click()
        page.wait_for_load_state()
        # The panel stays open when a filter is set; open it again otherwise.
        if not page.locator("details.filters").evaluate("details => details.open"):
            page.get_by_text("Affiner la recherche").click()
        return parse_qs(urlparse(page.url).query)

    page.get_by_label("De quoi avez-vous besoin ?").fill("broderie")
    query = apply("need")
    assert query["q"] == ["broderie"] and query["rayon"] == ["50"]
    expect(results.get_by_role("heading")).to_have_text(["Atelier de Decize"])

    page.get_by_label("De quoi avez-vous besoin ?").fill("imprimante 3D")
    page.get_by_label("Distance").select_option("10")
    query = apply("distance")
    assert query["rayon"] == ["10"]
    expect(results.get_by_role("heading")).to_have_text(["Fablab de Luzy"])

    page.get_by_label("Distance").select_option("100")
    page.get_by_label("Type de lieu").select_option("FABLAB")
    query = apply("type")
    assert query["type"] == ["FABLAB"]
    expect(results.get_by_role("heading")).to_have_text(["Fablab de Luzy"])

    page.get_by_label("Type de lieu").select_option("")
    page.get_by_label("Équipement").select_option("embroidery_machine")
    query = apply("equipment")
    assert query["equipement"] == ["embroidery_machine"]
    expect(results.get_by_role("heading")).to_have_text(["Atelier de Decize"])

    page.get_by_label("Équipement").select_option("")
    page.get_by_label("Accueille").select_option("professional")
    query = apply("audience")
    assert query["public"] == ["professional"]
    expect(results.get_by_role("heading")).to_have_text(["Fablab de Luzy", "Atelier de Decize"])

    page.get_by_label("Accueille").select_option("")
    page.get_by_label("Accessibilité").select_option("wheelchair_access")
    query = apply("accessibility")
    assert query["accessibilite"] == ["wheelchair_access"]
    # Unknown is not no: the place that says yes first, the one that says nothing after, the "no" left out.
    expect(results.get_by_role("heading")).to_have_text(["Atelier de Decize", "Fablab de Luzy"])
    expect(results.locator("li.card").nth(1)).to_contain_text("Accessibilité non renseignée")

    page.get_by_label("Accessibilité").select_option("")
    page.get_by_label("Service").select_option("admin_procedures")
    query = apply("service")
    assert query["service"] == ["admin_procedures"]
    expect(page.get_by_role("status").first).to_contain_text("Aucun lieu ne correspond")

    page.get_by_label("Service").select_option("")
    page.get_by_label("Ouvert maintenant").check()
    query = apply("open")
    assert query["ouvert"] == ["on"]
    found = {}
    _both_widths(page, found, "filtres")
    assert found == {name: [] for name in found}


def _empty_result_to_request(page: Page, base: str) -> None:
    page.goto(base + "/lieux/?q=scanner+3D&ou=Luzy&rayon=10")
    expect(page.get_by_role("status").first).to_contain_text("Aucun lieu ne correspond")
    expect(page.get_by_role("heading", name="Que faire maintenant ?")).to_be_visible()
    page.get_by_role("link", name="Demander de l'aide").last.click()
    expect(page.get_by_label("De quoi avez-vous besoin ?")).to_have_value("scanner 3D")
    expect(page.get_by_label("Votre commune")).to_have_value("Luzy")


def test_an_empty_result_leads_to_a_prefilled_request(live_server, page: Page, browser: Browser, directory):
    found: dict = {}
    page.goto(live_server.url + "/lieux/?q=broderie&ou=Luzy&rayon=10")
    expect(page.get_by_role("link", name="Chercher à 100 km")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Chercher à 100 km : 1 lieu"))).to_be_visible()
    _both_widths(page, found, "aucun résultat")
    _empty_result_to_request(page, live_server.url)
    _both_widths(page, found, "demande pré-remplie")
    assert found == {name: [] for name in found}
    without = _no_js(browser)
    _empty_result_to_request(without, live_server.url)
    without.context.close()


def test_a_wheelchair_request_gets_places_with_unknown_accessibility_flagged(live_server, page: Page, directory):
    make_coordinator()
    make_place(
        name="Atelier à l'étage", commune=DECIZE, equipment=("3d_printer",), accessibility_no=("wheelchair_access",)
    )
    page.goto(live_server.url + "/demande/")
    page.get_by_label("De quoi avez-vous besoin ?").fill("Imprimer une pièce en 3D pour mon fauteuil")
    page.get_by_label("Votre commune").fill("Luzy")
    page.get_by_text("Votre situation et vos besoins d'accueil (facultatif)").click()
    page.get_by_label("Accessible en fauteuil roulant").check()
    page.get_by_label("Votre courriel").fill("personne@exemple.org")
    page.get_by_label(re.compile("J'accepte que mes coordonnées")).check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande est enregistrée")
    request = Request.objects.get()
    assert not request.unmet

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/coordination/demandes/")
    page.get_by_role("link", name=request.reference).click()
    suggestions = page.locator("li").filter(has_text="accessible en fauteuil roulant")
    expect(suggestions.first).to_contain_text("Atelier de Decize")
    expect(page.get_by_text(re.compile("accessibilité non renseignée .* : appelez avant")).first).to_be_visible()
    expect(page.get_by_text("Fablab de Luzy").first).to_be_visible()
    expect(page.get_by_text("Atelier à l'étage")).to_have_count(0)
    found: dict = {}
    _both_widths(page, found, "demande")
    assert found == {name: [] for name in found}


def test_the_pages_touched_fit_a_320_px_phone_and_pass_axe(live_server, page: Page, directory):
    place = Place.objects.get(name="France Services de Luzy")
    manager = make_user("gestion@exemple.org", role=Role.PLACE_MANAGER, places=(place,))
    assert manager
    found: dict = {}
    overflow = {}
    for name, url in {"accueil": "/", "données ouvertes": "/donnees/", "fiche": place.get_absolute_url()}.items():
        page.goto(live_server.url + url)
        _both_widths(page, found, name)
        overflow[name] = horizontal_overflow(page)
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("gestion@exemple.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + f"/espace/lieux/{place.pk}/modifier/")
    expect(page.get_by_role("group", name="Accessible en fauteuil roulant")).to_be_visible()
    _both_widths(page, found, "formulaire de la fiche")
    overflow["formulaire de la fiche"] = horizontal_overflow(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("group", name="Accessible en fauteuil roulant").get_by_label("Oui").check()
    page.get_by_role("button", name=re.compile("Enregistrer")).first.click()
    page.goto(live_server.url + place.get_absolute_url())
    expect(page.get_by_text("Accès en fauteuil roulant non renseigné")).to_have_count(0)
    assert overflow == {name: 0 for name in overflow}
    assert found == {name: [] for name in found}
