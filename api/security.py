"""Who may call the API, and how often: organisation tokens and rate limits through the shared cache."""

import datetime as dt
import hmac
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from accounts import throttle
from accounts.models import ApiToken

logger = logging.getLogger("api")
# A token's last use is written at most this often: one write a minute per token, however busy.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def authenticate_token(key: str) -> ApiToken | None:
    """The active token whose secret is key, or None."""
    key = key.strip()
    if not key.startswith(ApiToken.PREFIX) or len(key) > MAX_TOKEN_LENGTH:
        return None
    key_hash = ApiToken.hash_key(key)
    token = ApiToken.objects.active().select_related("organisation").filter(key_hash=key_hash).first()
    # The look-up is by the hash of a 256-bit secret; comparing again costs nothing and keeps timing flat.
    if token is None or not hmac.compare_digest(token.key_hash, key_hash):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


class OrganisationToken(HttpBearer):
    openapi_description = (
        "Jeton d'API d'une organisation partenaire, à envoyer dans l'en-tête `Authorization: Bearer <jeton>`. "
        "La coordination le crée et le remet une seule fois ; elle peut le révoquer."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is not None:
            # Kept for this request only: what seals an idempotent answer (api/idempotency.py).
            request.api_token_secret = token.strip()  # type: ignore[attr-defined]
        return found


class CacheThrottle(BaseThrottle):
    """A fixed-window limit counted in the shared cache (accounts.throttle), read from settings at each call."""

    def __init__(self, limit: Callable[[], throttle.Limit], subject: Callable[[HttpRequest], str]) -> None:
        self.limit = limit
        self.subject = subject
        self._window = 60

    def allow_request(self, request: HttpRequest) -> bool:
        limit = self.limit()
        self._window = limit.window_seconds
        try:
            return throttle.hit(limit, self.subject(request)) <= limit.max_hits
        except Exception:
            # A cache outage must not take the API down with it: let the call through, and say so.
            logger.exception("Rate limit %s could not be counted", limit.name)
            return True

    def wait(self) -> float:
        return self._window - time.time() % self._window


def suggestions_limit() -> throttle.Limit:
    return throttle.Limit(
        "api-suggestions-ip",
        getattr(settings, "API_SUGGESTIONS_THROTTLE_PER_IP", 60),
        getattr(settings, "API_SUGGESTIONS_THROTTLE_WINDOW", 60),
    )


def requests_limit() -> throttle.Limit:
    return throttle.Limit(
        "api-requests-token",
        getattr(settings, "API_REQUESTS_THROTTLE_PER_TOKEN", 120),
        getattr(settings, "API_REQUESTS_THROTTLE_WINDOW", 3600),
    )


def reads_limit() -> throttle.Limit:
    """One allowance per IP address for all the read endpoints together."""
    return throttle.Limit(
        "api-reads-ip",
        getattr(settings, "API_READS_THROTTLE_PER_IP", 300),
        getattr(settings, "API_READS_THROTTLE_WINDOW", 60),
    )


def token_subject(request: HttpRequest) -> str:
    token = getattr(request, "auth", None)
    return f"token-{token.pk}" if isinstance(token, ApiToken) else throttle.client_ip(request)
