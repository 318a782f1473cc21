import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from roadmap.models import ActionSheet
from roadmap.seed import SLUG, load_roadmap_demo
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.browser.conftest import CHROMIUM_FLAGS, axe_violations, horizontal_overflow  # noqa: F401


@pytest.fixture
def roadmap(transactional_db):
    from django.core.management import call_command

    from territory.models import Commune

    if not Commune.objects.exists():
        call_command("load_territory", verbosity=0)
    make_coordinator()
    make_user("partenaire@cci.example", role=Role.PARTNER, full_name="Claire Partenaire")
    return load_roadmap_demo()


def _log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_partner_proposes_a_change_and_a_coordinator_accepts_it(live_server, page: Page, roadmap):
    found = {}
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Feuille de route").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(roadmap.title)
    found["feuille de route"] = axe_violations(page)
    page.get_by_role("link", name="Tableau de bord").first.click()
    found["tableau de bord"] = axe_violations(page)

    _log_in(page, live_server.url, "partenaire@cci.example")
    page.goto(live_server.url + f"/feuille-de-route/{SLUG}/FA3/")
    page.get_by_role("link", name="Proposer une modification").click()
    page.get_by_label("Objectifs").fill(
        "Savoir vers quelles structures renvoyer chaque public.\nUn annuaire des prestataires."
    )
    page.get_by_label("Pourquoi ce changement ?").fill("Les chambres consulaires tiennent une liste.")
    found["proposer"] = axe_violations(page)
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("status")).to_contain_text("Proposition envoyée")
    found["fiche, partenaire"] = axe_violations(page)
    _log_out(page)

    _log_in(page, live_server.url, "coordination@example.org")
    page.goto(live_server.url + f"/feuille-de-route/{SLUG}/FA3/#propositions")
    proposal = page.get_by_role("article").filter(has_text="Claire Partenaire")
    expect(proposal).to_contain_text("Un annuaire des prestataires.")
    found["fiche, coordination"] = axe_violations(page)
    proposal.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("status")).to_contain_text("Proposition acceptée")
    expect(page.get_by_text("version 2")).to_be_visible()
    page.get_by_role("link", name="Versions").click()
    page.get_by_role("button", name="Comparer").click()
    expect(page.get_by_text("Un annuaire des prestataires.")).to_be_visible()
    found["versions"] = axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    found["versions, 1280 px"] = axe_violations(page)
    assert horizontal_overflow(page) == 0

    sheet = ActionSheet.objects.get(roadmap=roadmap, code="FA3")
    assert sheet.version == 2
    assert "Un annuaire des prestataires." in sheet.goals
    assert {name: v for name, v in found.items() if v} == {}


def test_the_roadmap_reads_without_javascript_at_320_px(live_server, browser: Browser, roadmap):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 740}, locale="fr-FR")
    page = context.new_page()
    try:
        for path in ("", "tableau-de-bord/", "imprimer/", "FA1/"):
            page.goto(f"{live_server.url}/feuille-de-route/{SLUG}/{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert horizontal_overflow(page) == 0, path
    finally:
        context.close()
