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


@pytest.fixture
def catalogue_scheme(roadmap):
    from accounts.models import Organisation, OrganisationKind
    from funding import catalogue
    from tests.funding.factories import make_scheme

    Organisation.objects.create(name="Fablab de Decize", kind=OrganisationKind.ASSOCIATION)
    catalogue.forget()
    scheme = make_scheme(
        title="Équiper les fablabs de la Nièvre",
        summary="Une aide pour acheter un scanner 3D ou une découpe laser.",
        themes=("digital_fabrication",),
        expenses=("equipment",),
        amount_ceiling="15000",
        recurrence="ongoing",
    )
    make_scheme(title="Aide de l'Yonne", perimeter=("departement:89",), themes=("digital_fabrication",))
    yield scheme
    catalogue.forget()


PAGE_WEIGHT = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((total, entry) => total + (entry.transferSize || entry.encodedBodySize || 0), 0)"""


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


def _add_step_and_suggested_funding(page: Page, base_url: str, *, step: str, amount: str) -> None:
    page.goto(base_url + f"/feuille-de-route/{SLUG}/FA1/")
    page.get_by_role("link", name="Compléter : étapes, budget, financements, partenaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compléter FA1")
    form = page.get_by_role("group", name="Ajouter une étape")
    form.get_by_label("Étape", exact=True).fill(step)
    form.get_by_label("Début (facultatif)").fill("2025-01-06")
    form.get_by_label("Fin (facultatif)").fill("2025-03-31")
    form.get_by_label("Organisation qui la porte").select_option(label="Fablab de Decize")
    form.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.get_by_role("status")).to_contain_text("Étape ajoutée.")
    expect(page.get_by_role("list", name="Étapes de la fiche")).to_contain_text(step)

    page.get_by_role("link", name="Financements possibles").click()
    suggestion = page.get_by_role("article").filter(has_text="Équiper les fablabs de la Nièvre")
    expect(suggestion).to_contain_text("thème : Fabrication numérique")
    expect(page.get_by_role("article").filter(has_text="Aide de l'Yonne")).to_have_count(0)
    suggestion.get_by_label("Montant demandé (€)").fill(amount)
    suggestion.get_by_role("button", name="Ajouter à la fiche").click()
    expect(page.get_by_role("status")).to_contain_text("Financement « Équiper les fablabs de la Nièvre » ajouté")
    expect(page.get_by_role("table", name="Financements")).to_contain_text("Équiper les fablabs de la Nièvre")


def test_a_coordinator_adds_a_step_and_a_funding_line_from_a_suggested_scheme(
    live_server, page: Page, roadmap, catalogue_scheme
):
    from decimal import Decimal

    from roadmap.models import FundingLine

    found = {}
    _log_in(page, live_server.url, "coordination@example.org")
    page.goto(live_server.url + f"/feuille-de-route/{SLUG}/FA1/completer/")
    found["compléter, vide"] = axe_violations(page)
    _add_step_and_suggested_funding(page, live_server.url, step="Recenser les scanners 3D", amount="3 000,50")
    found["fiche avec financement"] = axe_violations(page)
    page.goto(live_server.url + f"/feuille-de-route/{SLUG}/FA1/completer/")
    found["compléter, rempli"] = axe_violations(page)
    page.get_by_role("link", name="Modifier l'étape « Recenser les scanners 3D »").click()
    found["modifier l'étape"] = axe_violations(page)
    page.get_by_label("Fin (facultatif)").fill("2024-12-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Rien n'est enregistré")
    expect(page.get_by_text("La fin vient avant le début.")).to_be_visible()
    found["modifier l'étape, erreur"] = axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    found["modifier l'étape, 1280 px"] = axe_violations(page)
    for path in ("FA1/", "FA1/completer/", "FA1/versions/"):
        page.goto(live_server.url + f"/feuille-de-route/{SLUG}/{path}")
        found[f"{path}, 1280 px"] = axe_violations(page)
    expect(page.get_by_role("cell", name="Étape ajoutée : Recenser les scanners 3D")).to_be_visible()
    assert {name: v for name, v in found.items() if v} == {}

    line = FundingLine.objects.get()
    assert (line.scheme, line.amount_requested, line.sheet.code) == (catalogue_scheme, Decimal("3000.50"), "FA1")
    assert line.sheet.steps.get().owner.name == "Fablab de Decize"


def test_the_coordination_pages_work_without_javascript_at_320_px_under_100_kb(
    live_server, browser: Browser, roadmap, catalogue_scheme
):
    from roadmap.models import FundingLine, Step

    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 740}, locale="fr-FR")
    page = context.new_page()
    try:
        _log_in(page, live_server.url, "coordination@example.org")
        _add_step_and_suggested_funding(page, live_server.url, step="Former les bénévoles", amount="1200")
        step = Step.objects.get()
        weights, overflow = {}, {}
        for path in ("FA1/", "FA1/completer/", f"FA1/completer/etapes/{step.pk}/", "FA1/completer/?q=scanner"):
            page.goto(f"{live_server.url}/feuille-de-route/{SLUG}/{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            overflow[path] = horizontal_overflow(page)
            weights[path] = page.evaluate(PAGE_WEIGHT)
            page.screenshot(path=f"/tmp/i15links-320-{len(weights)}.png", full_page=True)
    finally:
        context.close()
    assert overflow == {path: 0 for path in overflow}
    assert {path: weight for path, weight in weights.items() if weight > 100_000} == {}
    assert all(weight > 0 for weight in weights.values())
    assert FundingLine.objects.get().scheme == catalogue_scheme
