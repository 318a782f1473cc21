import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from funding import catalogue, search
from funding.models import Alert
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.browser.conftest import axe_violations
from tests.funding.factories import LUZY, make_scheme


@pytest.fixture
def schemes(transactional_db):
    # A live server test flushes the database after it: load the communes again if a previous one did.
    if not Commune.objects.filter(code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    catalogue.forget()
    search.forget_communes()
    local = make_scheme(
        title="Équiper les fablabs de la Nièvre",
        summary="Une aide pour acheter un scanner 3D ou une découpe laser.",
        beneficiaries=("association", "fablab"),
        themes=("digital_fabrication",),
        expenses=("equipment",),
        amount_ceiling="15000",
        closes_on="2099-03-31",
        description="Pour les ateliers ouverts au public.",
        how_to_apply="Écrire au service numérique du Département.",
    )
    make_scheme(title="Aide de l'Yonne", perimeter=("departement:89",), beneficiaries=("association",))
    make_scheme(title="Fonds européen", perimeter=("eu",), beneficiaries=("association",), recurrence="ongoing")
    return local


def test_someone_goes_from_the_home_page_to_a_scheme_then_confirms_an_alert(live_server, page: Page, schemes):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Financements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un financement")
    page.get_by_label("Commune du projet").fill("Luzy")
    page.get_by_text("Affiner la recherche").click()
    page.get_by_role("group", name="Pour qui ?").get_by_label("Associations").check()
    page.get_by_role("button", name="Appliquer les filtres").click()

    results = page.get_by_role("list", name="Dispositifs trouvés")
    expect(results.get_by_role("heading")).to_have_text(["Équiper les fablabs de la Nièvre", "Fonds européen"])
    expect(page.get_by_text("Aide de l'Yonne")).to_have_count(0)
    expect(
        results.get_by_text(re.compile("Pourquoi : périmètre : Nièvre \\(58\\) \\(comprend Luzy\\)"))
    ).to_be_visible()

    results.get_by_role("link", name="Équiper les fablabs de la Nièvre").click()
    expect(page).to_have_url(re.compile(r"/financements/\d+-equiper-les-fablabs-de-la-nievre/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Équiper les fablabs de la Nièvre")
    expect(page.get_by_text("Écrire au service numérique du Département.")).to_be_visible()

    page.go_back()
    page.get_by_role("link", name="Recevoir les nouveautés de cette recherche par courriel").click()
    expect(page.get_by_text("Projet à Luzy (58)")).to_be_visible()
    page.get_by_label("Votre adresse électronique").fill("fablab@example.org")
    page.get_by_role("button", name="Créer l'alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre alerte")

    [message] = mail.outbox
    link = re.search(r"/financements/alertes/confirmer/[^\s]+/", message.body).group(0)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirmer l'alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerte confirmée")
    assert Alert.objects.get().status == "active"


def test_the_funding_pages_have_no_accessibility_violation_and_no_sideways_scroll(
    live_server, browser, page: Page, schemes
):
    alert = Alert.objects.create(email="a@example.org", status="active")
    coordinator = make_coordinator()
    pages = {
        "recherche": f"/financements/?commune={LUZY}&beneficiaire=association&ouvert=on",
        "erreur de saisie": "/financements/?montant=beaucoup&cloture=12",
        "aucun résultat": "/financements/?q=tracteur",
        "fiche": schemes.get_absolute_url(),
        "nouvelle alerte": f"/financements/alertes/nouvelle/?commune={LUZY}&beneficiaire=association",
        "alerte envoyée": "/financements/alertes/envoyee/",
        "gérer l'alerte": f"/financements/alertes/{alert.token}/",
        "désabonnement": f"/financements/alertes/{alert.token}/desabonner/",
    }
    found = {}
    for width in (360, 1280):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
        tab = context.new_page()
        for name, url in pages.items():
            tab.goto(live_server.url + url)
            found[(width, name)] = axe_violations(tab)
        tab.goto(live_server.url + "/connexion/")
        tab.get_by_label("Adresse électronique").fill(coordinator.email)
        tab.get_by_label("Mot de passe").fill(PASSWORD)
        tab.get_by_role("button", name="Se connecter").click()
        for name, url in {
            "catalogue": "/financements/gestion/",
            "modifier": f"/financements/gestion/{schemes.pk}/modifier/",
            "historique": f"/financements/gestion/{schemes.pk}/historique/",
        }.items():
            tab.goto(live_server.url + url)
            found[(width, name)] = axe_violations(tab)
        context.close()
    assert found == {key: [] for key in found}

    narrow = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 640})
    tab = narrow.new_page()
    for url in (pages["recherche"], pages["fiche"], pages["nouvelle alerte"]):
        tab.goto(live_server.url + url)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320, url
    narrow.close()


def test_the_search_works_without_javascript(live_server, browser, schemes):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + "/financements/")
    tab.get_by_label("Commune du projet").fill("58149")
    tab.get_by_role("button", name="Chercher").click()
    expect(tab.get_by_role("list", name="Dispositifs trouvés").get_by_role("heading")).to_have_count(2)
    context.close()
