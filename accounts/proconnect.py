"""ProConnect, the State's OpenID Connect sign-in for public servants, through mozilla-django-oidc.

The library does the protocol: state, nonce and PKCE kept in the session, the code exchanged for tokens, the
ID token's RS256 signature checked against the provider's keys. Here: ProConnect signs in an existing, active
account whose address is the one ProConnect asserts (never a new account, never a role); the token must come
from PROCONNECT_ISSUER and be meant for this site; the login throttle of the site applies, and so does the
second factor (a person with an authenticator app still types its code); every failure ends on the login page
with a French message. Logging out of the site also ends the ProConnect session.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import throttle, two_factor
from accounts.forms import login_limits
from accounts.models import User

logger = logging.getLogger(__name__)

# Why the sign-in did not end in an account, set on the request by the backend for the callback's message.
FAILURE = "_proconnect_failure"
NO_ACCOUNT = "no_account"
NO_EMAIL = "no_email"

MESSAGES = {
    NO_ACCOUNT: (
        "Aucun compte de ce site n'a l'adresse {email}. ProConnect ne crée pas de compte : demandez une "
        "invitation à la coordination, ou connectez-vous avec votre adresse et votre mot de passe."
    ),
    NO_EMAIL: "ProConnect n'a pas transmis d'adresse électronique vérifiée : la connexion est impossible.",
    "inactive": "Ce compte est désactivé.",
    "cancelled": "La connexion avec ProConnect a été annulée ou n'a pas abouti. Vous pouvez réessayer.",
    "invalid": "La connexion avec ProConnect n'a pas pu être vérifiée (lien expiré ou déjà utilisé). Réessayez.",
    "unreachable": "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous "
    "avec votre adresse et votre mot de passe.",
}


def enabled() -> bool:
    return bool(settings.PROCONNECT_ENABLED)


def _audiences(payload: dict) -> list:
    audience = payload.get("aud")
    return audience if isinstance(audience, list) else [audience]


class ProConnectBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of ProConnect only (never a password form), to an existing account."""

    def authenticate(self, request: HttpRequest | None, **kwargs: object) -> User | None:
        # Only the callback view passes the nonce it kept: any other authenticate() call is not ours.
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: object) -> dict:
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.PROCONNECT_ISSUER or self.OIDC_RP_CLIENT_ID not in _audiences(payload):
            raise SuspiciousOperation("ProConnect token from another issuer or for another client")
        return payload

    def verify_claims(self, claims: dict) -> bool:
        # ProConnect's identity providers vouch for the address; one that says it is unverified is refused.
        if not claims.get("email") or claims.get("email_verified") is False:
            setattr(self.request, FAILURE, (NO_EMAIL, ""))
            return False
        return True

    def filter_users_by_claims(self, claims: dict):  # noqa: ANN201 - a QuerySet of users
        email = str(claims["email"]).strip().lower()
        # Read by the callback only when no account matches.
        setattr(self.request, FAILURE, (NO_ACCOUNT, email))
        return self.UserModel.objects.filter(email__iexact=email)

    def get_user(self, user_id: int) -> User | None:
        # The library's would return a deactivated account; Django's refuses it.
        return ModelBackend.get_user(self, user_id)


def _limited(request: HttpRequest) -> str:
    """The French message when this address may not try to sign in now ('' when it may)."""
    _, ip_limit = login_limits()
    try:
        if throttle.is_limited(ip_limit, throttle.client_ip(request)):
            minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
            return f"Trop de tentatives de connexion. Pour votre sécurité, réessayez dans {minutes} minutes."
    except throttle.CacheUnavailable:
        return throttle.UNAVAILABLE_MESSAGE
    return ""


def _count_failure(request: HttpRequest, email: str = "") -> None:
    pair_limit, ip_limit = login_limits()
    ip = throttle.client_ip(request)
    try:
        throttle.hit(ip_limit, ip)
        if email:
            throttle.hit(pair_limit, f"{email}|{ip}")
    except throttle.CacheUnavailable:
        pass


class StartView(OIDCAuthenticationRequestView):
    """The button's target: off to ProConnect with a fresh state, nonce and PKCE challenge."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not enabled():
            raise Http404
        if request.user.is_authenticated:
            return redirect("accounts:home")
        refusal = _limited(request)
        if refusal:
            messages.error(request, refusal)
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from ProConnect: the code becomes an account's session (or the code step), or a French message."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not enabled():
            raise Http404
        refusal = _limited(request)
        if refusal:
            messages.error(request, refusal)
            return redirect("accounts:login")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as error:
            logger.warning("ProConnect callback refused: %s", error)
            return self._fail("invalid")
        except requests.RequestException as error:
            logger.warning("ProConnect unreachable: %s", error)
            return self._fail("unreachable", count=False)

    def _fail(self, reason: str, email: str = "", *, count: bool = True) -> HttpResponse:
        if count:
            _count_failure(self.request, email)
        messages.error(self.request, MESSAGES[reason].format(email=email))
        return redirect("accounts:login")

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error"):
            return self._fail("cancelled", count=False)
        reason, email = getattr(self.request, FAILURE, ("invalid", ""))
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            reason, email = "inactive", user.email
        return self._fail(reason, email)

    def login_success(self) -> HttpResponse:
        user = self.user
        pair_limit, _ = login_limits()
        throttle.reset(pair_limit, f"{user.email}|{throttle.client_ip(self.request)}")
        if not two_factor.needs_code(user):
            return super().login_success()
        # ProConnect vouched for the person; the code of their authenticator app is still asked, as after a password.
        target, id_token = self.success_url, self.request.session.get("oidc_id_token")
        if self.request.user.is_authenticated:
            # Someone else was signed in on this browser: they are not, while the code is asked.
            auth.logout(self.request)
        session = self.request.session
        session.cycle_key()
        session[two_factor.PENDING_USER] = user.pk
        session[two_factor.PENDING_BACKEND] = user.backend
        session[two_factor.PENDING_NEXT] = target
        if id_token:
            session["oidc_id_token"] = id_token
        return redirect("accounts:login_code")


def logout_url(request: HttpRequest, id_token: str) -> str:
    """ProConnect's end-session page, which comes back to the site's home."""
    params = {
        "id_token_hint": id_token,
        "state": get_random_string(32),
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{settings.PROCONNECT_LOGOUT_ENDPOINT}?{urlencode(params)}"
