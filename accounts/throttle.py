"""Throttling through Django's cache, which app servers share (Redis in production).

Counters live in fixed windows: a key per subject and window, incremented
atomically, expiring with the window.

When the cache cannot be reached, a limit either lets everything through
(``fail_closed=False``: reading the directory, sending a request, reporting
an error must keep working) or refuses with ``CacheUnavailable``
(``fail_closed=True``: login and password reset, where an unlimited number of
tries is the danger), which the caller turns into a French message.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "La connexion est momentanément impossible (un service technique ne répond pas). Réessayez dans quelques minutes."
)


class CacheUnavailable(Exception):
    """The shared cache does not answer and this limit must not be lifted."""


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    try:
        from django_redis.exceptions import ConnectionInterrupted

        errors.append(ConnectionInterrupted)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int
    fail_closed: bool = False


def _store():  # noqa: ANN202
    return caches["throttle"]


def _unavailable(limit: Limit, error: BaseException) -> None:
    logger.warning("rate limit %s: cache unavailable (%s)", limit.name, error)
    if limit.fail_closed:
        raise CacheUnavailable(limit.name) from error


def cache_key(limit: Limit, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    window = int(time.time() // limit.window_seconds)
    return f"throttle:{limit.name}:{digest}:{window}"


def count(limit: Limit, subject: str) -> int:
    try:
        return int(_store().get(cache_key(limit, subject), 0))
    except CACHE_ERRORS as error:
        _unavailable(limit, error)
        return 0


def is_limited(limit: Limit, subject: str) -> bool:
    return count(limit, subject) >= limit.max_hits


def hit(limit: Limit, subject: str) -> int:
    """Record one hit; return the count in the current window (0 when the cache is down and the limit fails open)."""
    key = cache_key(limit, subject)
    store = _store()
    try:
        store.add(key, 0, timeout=limit.window_seconds + 5)
        try:
            return int(store.incr(key))
        except ValueError:
            # The key expired between add and incr: start the window again.
            store.set(key, 1, timeout=limit.window_seconds + 5)
            return 1
    except CACHE_ERRORS as error:
        _unavailable(limit, error)
        return 0


def reset(limit: Limit, subject: str) -> None:
    try:
        _store().delete(cache_key(limit, subject))
    except CACHE_ERRORS as error:
        logger.warning("rate limit %s: cache unavailable (%s)", limit.name, error)


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appends the address it received the request from to
    X-Forwarded-For: the client is the entry that many places from the end (anything before it may be forged by
    the client). With 0, the address of the connection itself.
    """
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")
