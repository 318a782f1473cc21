import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Role
from directory.models import ErrorReport, PlaceChange
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.factories import make_place

LUZY = "58149"


@pytest.fixture
def fablab(transactional_db):
    if not Commune.objects.filter(code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    place = make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        opening_hours="Mo-Fr 09:00-12:00",
        equipment=("3d_printer",),
        date_maj=dt.date(2021, 3, 5),
    )
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(place,), full_name="Camille Martin")
    return place


def _log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def test_a_manager_changes_the_hours_and_confirms_the_record(live_server, page: Page, fablab):
    _log_in(page, live_server.url, "camille@fablab.example")
    page.get_by_role("link", name="Modifier la fiche de Fablab de Luzy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la fiche « Fablab de Luzy »")
    page.get_by_label("Mercredi après-midi, ouverture").fill("14:00")
    page.get_by_label("Mercredi après-midi, fermeture").fill("18:00")
    page.get_by_label("Fermé les jours fériés").check()
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("status")).to_contain_text("Fiche enregistrée")

    fablab.refresh_from_db()
    assert fablab.opening_hours == "Mo,Tu,Th,Fr 09:00-12:00; We 09:00-12:00,14:00-18:00; PH off"
    page.goto(live_server.url + fablab.get_absolute_url())
    expect(page.get_by_role("row", name="Mercredi")).to_contain_text("14 h – 18 h")
    expect(page.get_by_text("Informations vérifiées le")).to_be_visible()

    page.goto(live_server.url + "/espace/")
    page.get_by_role("link", name="Tout est à jour ? Relire la fiche de Fablab de Luzy").click()
    # The record is shown first, whole: the manager confirms what they read.
    expect(page.get_by_role("heading", level=1)).to_have_text("La fiche « Fablab de Luzy » est-elle à jour ?")
    expect(page.get_by_text("Mercredi : 9 h – 12 h, 14 h – 18 h", exact=False)).to_be_visible()
    page.get_by_role("button", name="Tout est à jour").click()
    expect(page.get_by_role("status")).to_contain_text("est confirmée à jour")
    assert PlaceChange.objects.filter(place=fablab).count() == 2


def test_forms_and_dashboards_have_no_accessibility_violation(live_server, page: Page, fablab):
    make_coordinator()
    ErrorReport.objects.create(place=fablab, message="Les horaires ont changé.", contact="habitant@example.org")
    found = {}
    for name, url in {
        "connexion": "/connexion/",
        "mot de passe oublié": "/mot-de-passe/oubli/",
        "signaler une erreur": f"/lieux/{fablab.pk}/signaler/",
    }.items():
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    page.goto(live_server.url + f"/lieux/{fablab.pk}/signaler/")
    page.get_by_role("button", name="Envoyer").click()
    found["signalement refusé"] = axe_violations(page)

    _log_in(page, live_server.url, "camille@fablab.example")
    found["espace du gestionnaire"] = axe_violations(page)
    page.goto(live_server.url + f"/espace/lieux/{fablab.pk}/modifier/")
    found["modifier la fiche"] = axe_violations(page)
    page.get_by_label("Lundi matin, fermeture").fill("08:00")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("alert")).to_contain_text("la fermeture doit suivre l'ouverture")
    found["fiche refusée"] = axe_violations(page)
    page.get_by_role("button", name="Se déconnecter").click()

    _log_in(page, live_server.url, "coordination@example.org")
    for name, url in {
        "qualité de l'annuaire": "/coordination/qualite/",
        "signalements": "/coordination/signalements/",
        "historique": f"/coordination/lieux/{fablab.pk}/historique/",
        "invitations": "/invitations/",
    }.items():
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in found}


def test_the_week_grid_fits_a_small_phone_and_the_expert_field_takes_over(live_server, page: Page, fablab):
    _log_in(page, live_server.url, "camille@fablab.example")
    page.goto(live_server.url + f"/espace/lieux/{fablab.pk}/modifier/")
    assert horizontal_overflow(page, 320) == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    assert axe_violations(page) == []
    expect(page.get_by_label("Horaires au format OpenStreetMap")).to_be_hidden()
    page.get_by_text("Horaires particuliers (format OpenStreetMap)").click()
    page.get_by_label("Horaires au format OpenStreetMap").fill("We[1] 14:00-18:00")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("status")).to_contain_text("Fiche enregistrée")
    fablab.refresh_from_db()
    assert fablab.opening_hours == "We[1] 14:00-18:00"
    # The grid cannot show it: the page opens on the expert field, filled.
    expect(page.get_by_label("Horaires au format OpenStreetMap")).to_have_value("We[1] 14:00-18:00")
