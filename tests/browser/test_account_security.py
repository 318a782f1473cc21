"""The second factor, ProConnect and the invitation form in Chromium: enrolment with the QR code, a login with a
code computed here from the secret, the ProConnect round trip against a local provider, places found by search.
Each page is axe-clean at 360 and 1280 px, has no horizontal scroll at 320 px, and works without JavaScript."""

import base64
import re

import pytest
import segno
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from accounts.models import Invitation, Organisation, OrganisationKind, Role
from territory.models import Commune
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.factories import make_place
from tests.oidc_provider import Provider

CODE_LABEL = "Code à six chiffres de votre application d'authentification"


@pytest.fixture
def coordinator(transactional_db):
    return make_coordinator("claude@nievre.gouv.fr")


@pytest.fixture
def no_js_page(browser: Browser):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 360, "height": 800})
    yield context.new_page()
    context.close()


def _checked(page: Page, found: dict, name: str) -> None:
    """axe-core at 360 and 1280 px, then the width of a 320 px screen."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[f"{name}, {width} px"] = axe_violations(page)
    assert horizontal_overflow(page) == 0, name
    page.set_viewport_size({"width": 360, "height": 800})


def _password_login(page: Page, base: str, email: str) -> None:
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _code_from_the_page(page: Page, drift: int = 0) -> str:
    """What an authenticator app shows, from the key the page gives to type."""
    secret = page.locator("ol code").inner_text().replace(" ", "")
    return f"{totp(base64.b32decode(secret), step=30, t0=0, digits=6, drift=drift):06d}"


def _enrol_then_log_in_again(page: Page, base: str, user, found: dict | None) -> None:
    _password_login(page, base, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    page.goto(base + "/espace/double-authentification/")
    qr = page.get_by_role("img", name="Code QR à scanner avec l'application d'authentification")
    expect(qr).to_be_visible()
    # The QR code carries the same secret as the key to type.
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = page.locator("ol code").inner_text().replace(" ", "")
    assert f"secret={secret}" in device.config_url
    expected = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False, title="x")
    assert re.search(r' d="([^"]+)"', qr.inner_html()).group(1) == re.search(r' d="([^"]+)"', expected).group(1)
    if found is not None:
        _checked(page, found, "activer la double authentification")
        page.screenshot(path="/tmp/i10access-totp.png", full_page=True)
    code = _code_from_the_page(page)
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("status")).to_contain_text("La double authentification est activée")

    page.get_by_role("button", name="Se déconnecter").click()
    _password_login(page, base, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de connexion")
    if found is not None:
        _checked(page, found, "code de connexion")
    # The app's next code (the one just used is refused a second time), within the accepted drift.
    device.refresh_from_db()
    page.get_by_label(CODE_LABEL).fill(f"{totp(device.bin_key, step=30, t0=0, digits=6, drift=1):06d}")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def test_a_coordinator_turns_on_the_second_factor_and_logs_in_with_a_code(live_server, page: Page, coordinator):
    found: dict = {}
    _enrol_then_log_in_again(page, live_server.url, coordinator, found)
    assert found == {name: [] for name in found}


def test_the_second_factor_works_without_javascript(live_server, no_js_page: Page, coordinator):
    _enrol_then_log_in_again(no_js_page, live_server.url, coordinator, None)
    assert horizontal_overflow(no_js_page) == 0


def test_when_required_the_set_up_page_comes_first(live_server, page: Page, coordinator, settings):
    settings.OTP_REQUIRED = True
    _password_login(page, live_server.url, coordinator.email)
    page.goto(live_server.url + "/coordination/demandes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_text("Votre rôle demande une double authentification")).to_be_visible()
    found: dict = {}
    _checked(page, found, "double authentification exigée")
    assert found == {name: [] for name in found}


@pytest.fixture
def provider(settings):
    running = Provider(claims={"sub": "agent-7", "email": "claude@nievre.gouv.fr"}).start()
    for name, value in running.settings().items():
        setattr(settings, name, value)
    yield running
    running.stop()


@pytest.mark.parametrize("javascript", [True, False])
def test_an_agent_signs_in_with_proconnect_then_types_the_code(
    live_server, browser: Browser, page: Page, no_js_page: Page, coordinator, provider, javascript
):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    tab = page if javascript else no_js_page
    tab.goto(live_server.url + "/connexion/?next=/coordination/demandes/")
    found: dict = {}
    if javascript:
        _checked(tab, found, "connexion avec ProConnect")
        tab.screenshot(path="/tmp/i10access-login.png", full_page=True)
    tab.get_by_role("link", name="S'identifier avec ProConnect").click()
    # Back from the provider, the code of the authenticator app is still asked.
    expect(tab.get_by_role("heading", level=1)).to_have_text("Code de connexion")
    tab.get_by_label(CODE_LABEL).fill(f"{totp(device.bin_key, step=30, t0=0, digits=6):06d}")
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab).to_have_url(re.compile(r"/coordination/demandes/$"))
    assert [path for _, path, _ in provider.seen][:1] == ["/api/v2/authorize"]
    assert found == {name: [] for name in found}


def test_an_unknown_agent_reads_why_on_the_login_page(live_server, page: Page, transactional_db, provider):
    page.goto(live_server.url + "/connexion/")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    expect(page.get_by_role("status")).to_contain_text("Aucun compte de ce site n'a l'adresse claude@nievre.gouv.fr")
    found: dict = {}
    _checked(page, found, "connexion refusée")
    assert found == {name: [] for name in found}


@pytest.fixture
def directory(transactional_db):
    if not Commune.objects.filter(code="58149").exists():
        call_command("load_territory", verbosity=0)
    for index in range(30):
        make_place(name=f"Espace numérique {index}", commune="58194")
    make_place(name="Fablab de Luzy", commune="58149", email="fablab@luzy.example")
    make_place(name="Médiathèque de Luzy", commune="58149")
    return Organisation.objects.create(name="Association du fablab", kind=OrganisationKind.ASSOCIATION)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_coordinator_invites_a_place_manager_choosing_the_place_by_search(
    live_server, page: Page, no_js_page: Page, coordinator, directory, javascript
):
    tab = page if javascript else no_js_page
    _password_login(tab, live_server.url, coordinator.email)
    tab.goto(live_server.url + "/invitations/")
    # No role chosen in advance, no list of every place.
    for role in ("Gestionnaire de lieu", "Médiateur", "Partenaire", "Coordinateur"):
        expect(tab.get_by_label(re.compile(f"^{role} :"))).not_to_be_checked()
    expect(tab.get_by_role("checkbox")).to_have_count(0)
    found: dict = {}
    if javascript:
        _checked(tab, found, "inviter")
    tab.get_by_label("Adresse électronique de la personne").fill("camille@fablab.example")
    tab.get_by_label("Organisation").select_option(label="Association du fablab")
    tab.get_by_label(re.compile("^Gestionnaire de lieu :")).check()
    tab.get_by_label("Chercher un lieu").fill("luzy")
    if not javascript:
        tab.get_by_label("Chercher un lieu").press("Enter")  # Enter searches: it never sends the invitation
    # With JavaScript, the results come as the name is typed.
    expect(tab.get_by_role("group", name=re.compile("^Lieux")).get_by_role("status")).to_contain_text(
        "2 lieux trouvés pour « luzy »"
    )
    expect(tab.get_by_label(re.compile("^Gestionnaire de lieu :"))).to_be_checked()
    if javascript:
        _checked(tab, found, "inviter, résultats")
    tab.get_by_label("Fablab de Luzy (Luzy)").check()
    if javascript:
        tab.screenshot(path="/tmp/i10access-invite.png", full_page=True)
    tab.get_by_role("button", name="Envoyer l'invitation").click()
    expect(tab.locator(".messages")).to_contain_text("Invitation envoyée à camille@fablab.example")
    invitation = Invitation.objects.get()
    assert invitation.role == Role.PLACE_MANAGER
    assert [place.name for place in invitation.places.all()] == ["Fablab de Luzy"]
    assert horizontal_overflow(tab) == 0
    assert found == {name: [] for name in found}
