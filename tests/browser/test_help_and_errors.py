"""The help line, the error pages, the confirmation and tracking pages, the mediator's form, in Chromium:
axe-clean at 360 and 1280 px, no horizontal scroll at 320 px, with and without JavaScript, no CSP violation."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from demandes.models import EventKind, Request, Status
from legal import pages
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.browser.conftest import axe_violations, horizontal_overflow

ERRORS = {
    "/cette-page-n-existe-pas/": (404, "Cette page n'existe pas ou plus"),
    "/essai/erreur/": (500, "Une erreur est survenue de notre côté"),
    "/essai/403/": (403, "Vous n'avez pas accès à cette page"),
    "/essai/400/": (400, "Nous n'avons pas compris la demande"),
    "/essai/csrf/": (403, "Le formulaire a expiré"),
}


@pytest.fixture
def territory(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)


@pytest.fixture
def help_line(territory):
    coordinator = make_coordinator()
    pages.save_help_line(phone="03 86 60 60 60", hours="du lundi au vendredi, de 9 h à 17 h", actor=coordinator)
    return coordinator


def check_page(page: Page, found: dict, name: str) -> None:
    """axe-core at 360 and 1280 px, and no horizontal scroll at 320 px."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{name} ({width} px)"] = axe_violations(page)
    assert horizontal_overflow(page) == 0, name
    page.set_viewport_size({"width": 360, "height": 800})


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.urls("tests.aiguillage.error_urls")
@pytest.mark.parametrize("path", list(ERRORS))
def test_each_error_page_is_french_accessible_and_leads_home(live_server, page: Page, help_line, path):
    status, heading = ERRORS[path]
    # A served page reads the help line into the server's memory, where the 500 page finds it.
    page.goto(live_server.url + "/")
    response = page.goto(live_server.url + path)
    assert response.status == status
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("contentinfo")).to_contain_text("03 86 60 60 60")
    expect(page.locator("main").get_by_role("link", name="03 86 60 60 60")).to_have_attribute("href", "tel:0386606060")
    found: dict = {}
    check_page(page, found, path)
    assert found == {name: [] for name in found}
    page.locator("main").get_by_role("link", name="Revenir à l'accueil").click()
    expect(page).to_have_url(live_server.url + "/")


def test_a_phone_only_request_then_its_tracking_page(live_server, page: Page, browser: Browser, help_line):
    page.goto(live_server.url + "/demande/")
    page.get_by_label("De quoi avez-vous besoin ?").fill("Apprendre à envoyer des photos avec ma tablette")
    page.get_by_label("Votre commune").fill("Luzy")
    page.get_by_label("Votre téléphone").fill("06 12 34 56 78")
    page.get_by_label(re.compile("J'accepte que mes coordonnées")).check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    req = Request.objects.get()
    expect(page.get_by_role("heading", name="Notez ce numéro")).to_be_visible()
    expect(page.get_by_role("button", name="Copier le numéro")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer cette page")).to_be_visible()
    found: dict = {}
    check_page(page, found, "confirmation")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_role("button", name="Copier le numéro").click()
    expect(page.get_by_role("status").filter(has_text="Copié")).to_be_visible()

    page.get_by_role("link", name=f"Suivre la demande {req.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Votre demande {req.reference}")
    expect(page.get_by_text("Apprendre à envoyer des photos avec ma tablette")).to_be_visible()
    expect(page.get_by_role("heading", name="Et maintenant ?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("03 86 60 60 60")
    check_page(page, found, "suivi")
    page.get_by_label("Ajouter une précision", exact=True).fill("Je suis disponible le mardi matin.")
    page.get_by_role("button", name="Ajouter la précision").click()
    expect(page.get_by_text("Votre précision est ajoutée à la demande.")).to_be_visible()
    expect(page.get_by_text("Je suis disponible le mardi matin.")).to_be_visible()
    assert req.events.filter(kind=EventKind.REQUESTER_DETAIL).count() == 1
    page.get_by_text("Vous n'avez plus besoin d'aide ? Annuler la demande").click()
    page.get_by_role("button", name="Annuler ma demande").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez la case pour confirmer l'annulation.")
    check_page(page, found, "suivi, annulation refusée")
    page.get_by_label("Je n'ai plus besoin d'aide pour cette demande.").check()
    page.get_by_role("button", name="Annuler ma demande").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre demande est annulée")
    assert Request.objects.get().status == Status.CLOSED
    check_page(page, found, "suivi, annulée")
    assert found == {name: [] for name in found}

    # Without JavaScript: the copy and print buttons stay hidden, the number and the link stay on the page.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 740})
    plain = context.new_page()
    plain.goto(page.url)
    expect(plain.get_by_role("heading", level=1)).to_have_text(f"Votre demande {req.reference}")
    assert plain.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    context.close()


def test_the_mediator_records_for_someone_and_hands_the_link_over(live_server, page: Page, help_line):
    make_user("mediatrice@example.org", role=Role.MEDIATOR, full_name="Dominique Médiation")
    sign_in(page, live_server, "mediatrice@example.org")
    page.goto(live_server.url + "/mediation/demandes/nouvelle/")
    found: dict = {}
    check_page(page, found, "formulaire du médiateur")
    page.get_by_label("De quoi la personne a-t-elle besoin ?").fill("Faire sa déclaration d'impôts en ligne")
    page.get_by_label("Sa commune").fill("Luzy")
    page.get_by_label("Son téléphone").fill("06 12 34 56 78")
    page.get_by_label(re.compile("La personne accepte")).check()
    page.get_by_role("button", name="Enregistrer la demande").click()
    req = Request.objects.get()
    expect(page.get_by_role("heading", name="Remettez le lien de suivi à la personne")).to_be_visible()
    assert "ne partagez pas" not in page.content()
    sms = page.get_by_label("Texte du SMS")
    expect(sms).to_have_value(re.compile(rf"{req.reference}.*/suivi/{req.reference}/.*03 86 60 60 60"))
    expect(page.get_by_role("button", name="Copier le texte du SMS")).to_be_visible()
    check_page(page, found, "confirmation du médiateur")
    assert found == {name: [] for name in found}


def test_the_coordinator_sets_the_help_line(live_server, page: Page, territory):
    make_coordinator()
    sign_in(page, live_server, "coordination@example.org")
    page.get_by_role("link", name=re.compile("Ligne d'aide")).click()
    found: dict = {}
    check_page(page, found, "ligne d'aide")
    page.get_by_label("Numéro de la ligne d'aide").fill("pas un numéro")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce numéro de téléphone n'est pas valide")
    check_page(page, found, "ligne d'aide refusée")
    page.get_by_label("Numéro de la ligne d'aide").fill("0386606060")
    page.get_by_label("Horaires").fill("le mardi et le jeudi, de 14 h à 17 h")
    page.get_by_role("button", name="Enregistrer").click()
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("03 86 60 60 60, le mardi et le jeudi, de 14 h à 17 h")
    assert found == {name: [] for name in found}
