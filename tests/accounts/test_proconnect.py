"""ProConnect sign-in for public servants, against a real OpenID Connect provider started on loopback."""

import datetime as dt
import html
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from aiguillage.settings import cache_settings
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.oidc_provider import Provider

AGENT = "agent@nievre.gouv.fr"


@pytest.fixture
def provider(settings):
    running = Provider().start()
    for name, value in running.settings().items():
        setattr(settings, name, value)
    yield running
    running.stop()


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _sign_in(client: Client, provider: Provider, next_url: str = "", **extra: str):
    """The browser's round trip: the site, ProConnect, and back to the site's callback."""
    start = client.get(reverse("accounts:proconnect"), {"next": next_url} if next_url else {}, **extra)
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("accounts:proconnect_callback")
    return client.get(f"{back.path}?{back.query}", **extra)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_without_settings_there_is_no_button_and_no_door(client, db):
    assert "ProConnect" not in _text(client.get(reverse("accounts:login")))
    assert client.get(reverse("accounts:proconnect")).status_code == 404
    assert client.get(reverse("accounts:proconnect_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_when_configured_the_login_page_offers_the_button(client, db, provider):
    page = _text(client.get(reverse("accounts:login") + "?next=/coordination/"))
    assert "S'identifier avec ProConnect" in page
    assert 'href="/connexion/proconnect/?next=/coordination/"' in page


def test_an_agent_signs_in_to_their_existing_account_with_state_nonce_and_pkce(client, db, provider):
    user = make_coordinator(AGENT)
    provider.claims = {"sub": "agent-1", "email": "Agent@Nievre.gouv.fr", "given_name": "Alex"}
    response = _sign_in(client, provider)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("accounts:home")).status_code == 200
    # Nothing was created or given: one account, the same role.
    assert User.objects.count() == 1
    assert list(Membership.objects.values_list("role", flat=True)) == [Role.COORDINATOR]

    (authorize,) = [params for method, path, params in provider.seen if path.endswith("/authorize")]
    (token,) = [params for method, path, params in provider.seen if path.endswith("/token")]
    assert authorize["code_challenge_method"] == "S256" and len(authorize["state"]) >= 32
    assert len(authorize["nonce"]) >= 32 and authorize["scope"].split()[:2] == ["openid", "email"]
    assert len(token["code_verifier"]) >= 43
    assert "oidc_states" not in client.session or authorize["state"] not in client.session["oidc_states"]


def test_userinfo_as_plain_json_works_too(client, db, provider):
    provider.userinfo_as_jwt = False
    make_user(AGENT)
    assert _sign_in(client, provider)["Location"] == reverse("accounts:home")


def test_the_page_asked_for_is_reached_after_the_round_trip(client, db, provider):
    make_coordinator(AGENT)
    assert _sign_in(client, provider, next_url="/coordination/")["Location"] == "/coordination/"


def test_an_address_without_an_account_creates_nothing_and_says_why_in_french(client, db, provider):
    make_user("someone.else@nievre.gouv.fr")
    response = _sign_in(client, provider)
    assert response["Location"] == reverse("accounts:login")
    page = _text(client.get(response["Location"]))
    assert f"Aucun compte de ce site n'a l'adresse {AGENT}" in page and "ProConnect ne crée pas de compte" in page
    assert User.objects.count() == 1 and "_auth_user_id" not in client.session


def test_an_address_said_unverified_is_refused(client, db, provider):
    make_user(AGENT)
    provider.claims = {"sub": "agent-1", "email": AGENT, "email_verified": False}
    response = _sign_in(client, provider)
    assert "adresse électronique vérifiée" in _text(client.get(response["Location"]))
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_is_not_signed_in(client, db, provider):
    make_user(AGENT, is_active=False)
    response = _sign_in(client, provider)
    assert "Ce compte est désactivé" in _text(client.get(response["Location"]))
    assert "_auth_user_id" not in client.session


def test_a_token_signed_with_another_key_is_refused(client, db, provider):
    make_user(AGENT)
    provider.forge = True
    response = _sign_in(client, provider)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "n'a pas pu être vérifiée" in _text(client.get(response["Location"]))
    assert "_auth_user_id" not in client.session


def test_a_token_from_another_issuer_is_refused(client, db, provider, settings):
    make_user(AGENT)
    settings.PROCONNECT_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
    response = _sign_in(client, provider)
    assert "n'a pas pu être vérifiée" in _text(client.get(response["Location"]))
    assert "_auth_user_id" not in client.session


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(client, db, provider):
    make_user(AGENT)
    start = Client().get(reverse("accounts:proconnect"))  # another browser starts…
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    client.get(reverse("accounts:proconnect"))  # …this one has a state of its own
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and "n'a pas pu être vérifiée" in _text(client.get(response["Location"]))
    assert "_auth_user_id" not in client.session


def test_a_code_is_good_once(client, db, provider):
    make_user(AGENT)
    start = client.get(reverse("accounts:proconnect"))
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == reverse("accounts:home")
    client.logout()
    replay = client.get(f"{back.path}?{back.query}")
    assert replay["Location"] == reverse("accounts:login") and "_auth_user_id" not in client.session


def test_cancelling_at_proconnect_comes_back_with_a_french_message(client, db, provider):
    provider.error = "access_denied"
    response = _sign_in(client, provider)
    assert "a été annulée" in _text(client.get(response["Location"]))


def test_proconnect_down_is_a_french_message_not_an_error(client, db, provider, settings):
    make_user(AGENT)
    start = client.get(reverse("accounts:proconnect"))
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/api/v2/token"  # nothing listens there
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and "ProConnect ne répond pas" in _text(client.get(response["Location"]))


def test_the_code_of_the_authenticator_app_is_still_asked(client, db, provider):
    user = make_coordinator(AGENT)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _sign_in(client, provider, next_url="/coordination/")
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:home")).status_code == 302
    done = client.post(reverse("accounts:login_code"), {"code": _code(device)})
    assert done["Location"] == "/coordination/" and int(client.session["_auth_user_id"]) == user.pk


def test_someone_signed_in_on_the_browser_is_signed_out_while_the_code_is_asked(client, db, provider):
    other = make_user("camille@fablab.example")
    start = client.get(reverse("accounts:proconnect"))  # the agent starts, someone else signs in meanwhile
    client.force_login(other)
    TOTPDevice.objects.create(user=make_coordinator(AGENT), name="app", confirmed=True)
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_is_not_sent_to_proconnect(client, db, provider):
    client.force_login(make_user("camille@fablab.example"))
    assert client.get(reverse("accounts:proconnect"))["Location"] == reverse("accounts:home")
    assert provider.seen == []


def test_when_required_a_coordinator_without_an_app_must_set_it_up(client, db, provider, settings):
    settings.OTP_REQUIRED = True
    make_coordinator(AGENT)
    _sign_in(client, provider)
    assert client.get(reverse("demandes:queue"))["Location"] == reverse("accounts:two_factor")


def test_the_idle_timeout_ends_a_proconnect_session_too(client, db, provider, settings):
    make_user(AGENT)
    _sign_in(client, provider)
    assert client.get(reverse("accounts:home")).status_code == 200
    later = timezone.now() + dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS + 60)
    with time_machine.travel(later):
        assert client.get(reverse("accounts:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_count_in_the_login_throttle(client, db, provider, settings):
    settings.LOGIN_THROTTLE_PER_IP = 2
    make_user("camille@fablab.example")
    for _ in range(2):
        _sign_in(client, provider, REMOTE_ADDR="198.51.100.7")  # no account has the agent's address
    refused = client.get(reverse("accounts:proconnect"), REMOTE_ADDR="198.51.100.7")
    assert refused["Location"] == reverse("accounts:login")
    assert "Trop de tentatives de connexion" in _text(client.get(refused["Location"]))
    # The same counter as the password form's.
    password = client.post(
        reverse("accounts:login"),
        {"username": "camille@fablab.example", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert "Trop de tentatives de connexion" in _text(password)
    # Another address is not blocked.
    assert client.get(reverse("accounts:proconnect"), REMOTE_ADDR="203.0.113.9")["Location"].startswith(provider.issuer)


def test_logging_out_ends_the_proconnect_session_and_comes_home(client, db, provider):
    make_user(AGENT)
    _sign_in(client, provider)
    response = client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and response["Location"].startswith(provider.issuer + "/session/end?")
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["id_token_hint"] == [provider.issued_id_tokens[-1]]
    home = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert home.status_code == 302 and urlsplit(home.headers["Location"]).path == reverse("directory:home")


def test_a_password_session_logs_out_as_before(client, db, provider):
    make_user("camille@fablab.example")
    client.post(reverse("accounts:login"), {"username": "camille@fablab.example", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("directory:home")


def test_the_provider_publishes_the_endpoints_the_settings_use(provider):
    discovery = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=10).json()
    configured = provider.settings()
    assert discovery["issuer"] == configured["PROCONNECT_ISSUER"]
    assert discovery["authorization_endpoint"] == configured["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    assert discovery["token_endpoint"] == configured["OIDC_OP_TOKEN_ENDPOINT"]
    assert discovery["userinfo_endpoint"] == configured["OIDC_OP_USER_ENDPOINT"]
    assert discovery["jwks_uri"] == configured["OIDC_OP_JWKS_ENDPOINT"]
    assert discovery["end_session_endpoint"] == configured["PROCONNECT_LOGOUT_ENDPOINT"]


def test_with_the_cache_down_the_sign_in_is_refused_in_french(client, db, provider, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe is closed
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{closed}/0", 0.5)
    response = client.get(reverse("accounts:proconnect"))
    assert response["Location"] == reverse("accounts:login") and provider.seen == []
    assert "La connexion est momentanément impossible" in _text(client.get(response["Location"]))
