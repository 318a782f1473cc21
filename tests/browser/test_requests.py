import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Role
from demandes.models import Request
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.browser.conftest import axe_violations
from tests.factories import make_place


@pytest.fixture
def places(transactional_db):
    if not Commune.objects.filter(code="58095").exists():
        call_command("load_territory", verbosity=0)
    make_place(
        name="Fablab de Decize",
        commune="58095",
        equipment=("3d_scanner",),
        audiences=("individual", "professional"),
        phone="03 86 25 00 00",
        email="fablab@decize.example",
    )
    make_user("fablab@decize.example", role=Role.PLACE_MANAGER)
    make_coordinator()


def test_from_the_public_form_to_the_tracking_page(live_server, page: Page, places):
    page.goto(live_server.url)
    page.get_by_role("link", name="Demander de l'aide").first.click()
    found = {"formulaire": axe_violations(page)}
    page.get_by_label("De quoi avez-vous besoin ?").fill(
        "Scanner les pieds de mes clients en 3D pour faire des semelles"
    )
    page.get_by_label("Votre commune").fill("Decize")
    page.get_by_label("Professionnel (entreprise, artisan, commerçant, agriculteur)").check()
    page.get_by_label("Votre courriel").fill("chaussures@decize.example")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("alert")).to_contain_text("Sans votre accord")
    found["formulaire refusé"] = axe_violations(page)
    page.get_by_label(re.compile("J'accepte que mes coordonnées")).check()
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande est enregistrée")
    reference = Request.objects.get().reference
    expect(page.get_by_text(reference).first).to_be_visible()
    found["demande enregistrée"] = axe_violations(page)
    page.get_by_role("link", name=f"Suivre la demande {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Votre demande {reference}")
    expect(page.get_by_role("status")).to_contain_text("Nous avons bien reçu votre demande")
    found["suivi"] = axe_violations(page)
    tracking = page.url

    # The coordinator orients it in one click; the place accepts; the tracking page says who helps.
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/coordination/demandes/")
    found["file des demandes"] = axe_violations(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("dispose d'un scanner 3D")).to_be_visible()
    found["page de la demande"] = axe_violations(page)
    page.get_by_role("button", name="Orienter vers les lieux cochés").click()
    expect(page.get_by_role("status")).to_contain_text("Demande envoyée par courriel à Fablab de Decize")

    orientation = Request.objects.get().orientations.get()
    from demandes.links import orientation_token

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url + f"/orientation/{orientation_token(orientation)}/")
    found["réponse du lieu"] = axe_violations(page)
    page.get_by_role("button", name="Nous prenons la demande").click()
    expect(page.get_by_text("chaussures@decize.example")).to_be_visible()

    page.goto(tracking)
    expect(page.get_by_role("status")).to_contain_text("Fablab de Decize va vous aider.")
    expect(page.get_by_role("link", name="03 86 25 00 00")).to_be_visible()
    found["suivi pris en charge"] = axe_violations(page)
    assert found == {name: [] for name in found}
