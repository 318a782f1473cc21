"""A new fablab, from "Ajouter mon lieu" on the home page to its published page and its manager's account."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from contributions.models import Proposal, ProposalStatus
from directory.models import Place
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.factories import make_place, term

NEW_PASSWORD = "un autre mot de passe solide 2026"


@pytest.fixture
def directory(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    make_coordinator()
    return make_place(name="Médiathèque de Luzy", commune="58149", website="https://mediatheque-luzy.example")


def _path(body: str, start: str) -> str:
    found = re.search(r"https?://[^/\s]+(" + re.escape(start) + r"\S+/)", body)
    assert found, body
    return found.group(1)


def _checked(page: Page, found: dict | None, name: str) -> None:
    """axe-core and the width at 320 px; without JavaScript (found is None), neither can run."""
    if found is None:
        return
    found[name] = axe_violations(page)
    overflow = horizontal_overflow(page, 320)
    page.set_viewport_size({"width": 360, "height": 740})
    if overflow:
        found[name + " (320 px)"] = overflow


def _fill_steps(page: Page, found: dict | None = None) -> None:
    expect(page.get_by_text("Étape 1 sur 5 : Vous et votre organisation")).to_be_visible()
    _checked(page, found, "étape vous")
    page.get_by_label("Votre nom").fill("Alex Martin")
    page.get_by_label("Votre adresse électronique").fill("alex@fablab-morvan.example")
    page.get_by_label("Nom de votre organisation").fill("Association Fablab du Morvan")
    page.get_by_label("C'est").select_option(label="Association")
    page.get_by_label("Numéro SIRET").fill("123 456 789 00012")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce SIRET n'est pas valide")
    _checked(page, found, "étape vous refusée")
    page.get_by_label("Numéro SIRET").fill("")
    page.get_by_label("Ou, pour une association, numéro RNA").fill("W581000123")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 2 sur 5 : Le lieu")).to_be_visible()
    _checked(page, found, "étape lieu")
    page.get_by_label("Nom du lieu").fill("Fablab du Morvan")
    page.get_by_label("En une phrase, ce que propose le lieu").fill("Imprimantes 3D et découpe laser pour tous.")
    page.get_by_label("Adresse (numéro et rue)").fill("2 rue de la Gare")
    page.get_by_label("Code postal").fill("58170")
    page.get_by_label("Commune", exact=True).fill("Luzy")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 3 sur 5 : Ce qu'on peut y faire")).to_be_visible()
    _checked(page, found, "étape activités")
    page.get_by_label(term("service", "training").label, exact=True).check()
    page.get_by_label("Machine").first.select_option(label=term("equipment", "3d_printer").label)
    page.get_by_label("Nombre").first.fill("2")
    wheelchair = page.get_by_role("group", name=term("accessibility", "wheelchair_access").label)
    wheelchair.get_by_label("Oui").check()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 4 sur 5 : Horaires et contact")).to_be_visible()
    _checked(page, found, "étape horaires")
    page.get_by_label("Mercredi après-midi, ouverture").fill("14:00")
    page.get_by_label("Mercredi après-midi, fermeture").fill("18:00")
    page.get_by_label("Téléphone").fill("03 86 30 00 00")
    page.get_by_label("Site web").fill("https://fablab-morvan.example")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 5 sur 5 : Vérifier et envoyer")).to_be_visible()
    _checked(page, found, "vérifier et envoyer")


def test_a_new_fablab_goes_from_the_home_page_to_publication_at_360_px(live_server, page: Page, directory):
    found: dict = {}
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Ajouter mon lieu").first.click()
    _fill_steps(page, found)
    expect(page.get_by_text("Mercredi : 14 h – 18 h", exact=False)).to_be_visible()
    page.get_by_role("button", name="Envoyer ma proposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte de réception")
    _checked(page, found, "boîte de réception")
    assert Proposal.objects.get().status == ProposalStatus.UNCONFIRMED

    page.goto(live_server.url + _path(mail.outbox[-1].body, "/lieux/ajouter/confirmer/"))
    _checked(page, found, "confirmer l'adresse")
    page.get_by_role("button", name="Je confirme mon adresse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre adresse est confirmée")
    assert not Place.objects.filter(name="Fablab du Morvan").exists()

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Lieux proposés et demandes de gestion").click()
    _checked(page, found, "file des contributions")
    page.get_by_role("link", name="Fablab du Morvan").click()
    _checked(page, found, "lieu proposé")
    page.get_by_role("button", name="Accepter et publier").click()
    expect(page.get_by_role("status")).to_contain_text("« Fablab du Morvan » est publié")
    page.get_by_role("link", name="fiche Fablab du Morvan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fablab du Morvan")
    expect(page.get_by_text("Déclaré par le lieu", exact=False)).to_be_visible()
    _checked(page, found, "fiche publiée")
    page.get_by_role("button", name="Se déconnecter").click()

    # The proposer chooses a password from the acceptance email, and finds their place in their space.
    accepted = next(message for message in mail.outbox if "est publié" in message.subject)
    page.goto(live_server.url + _path(accepted.body, "/mot-de-passe/nouveau/"))
    page.locator("input[type=password]").nth(0).fill(NEW_PASSWORD)
    page.locator("input[type=password]").nth(1).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("alex@fablab-morvan.example")
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes lieux")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier la fiche de Fablab du Morvan")).to_be_visible()
    assert found == {name: [] for name in found}


def test_the_proposal_works_without_javascript_and_asks_about_a_duplicate(live_server, browser: Browser, directory):
    make_place(name="Fab Lab du Morvan", commune="58149")
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/lieux/ajouter/")
        _fill_steps(page)
        expect(page.get_by_role("heading", name="Ce lieu existe peut-être déjà")).to_be_visible()
        page.get_by_role("button", name="Envoyer ma proposition").click()
        expect(page.get_by_role("alert")).to_contain_text("Dites-nous si l'une de ces fiches est votre lieu")
        page.get_by_label("Aucune de ces fiches n'est mon lieu : envoyer ma proposition").check()
        page.get_by_role("button", name="Envoyer ma proposition").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte de réception")
    finally:
        context.close()
    assert Proposal.objects.get().possible_duplicates.get().name == "Fab Lab du Morvan"


def test_the_moderation_pages_are_accessible_at_1280_px(live_server, page: Page, directory):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/lieux/{directory.pk}/c-est-mon-lieu/")
    found = {"c'est mon lieu": axe_violations(page)}
    page.goto(live_server.url + "/lieux/ajouter/")
    found["ajouter mon lieu"] = axe_violations(page)
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    for name, url in {
        "file": "/coordination/contributions/",
        "ajouter un lieu": "/coordination/lieux/nouveau/",
        "fermer un lieu": f"/coordination/lieux/{directory.pk}/fermer/",
        "tout est à jour": f"/espace/lieux/{directory.pk}/a-jour/",
    }.items():
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/coordination/lieux/nouveau/")
    found["ajouter un lieu (360 px)"] = axe_violations(page)
    assert horizontal_overflow(page, 320) == 0
    assert found == {name: [] for name in found}
