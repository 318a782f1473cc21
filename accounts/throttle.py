"""Throttling through Django's cache, which app servers share (Redis in production).

Counters live in fixed windows: a key per subject and window, incremented
atomically, expiring with the window.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


def cache_key(limit: Limit, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    window = int(time.time() // limit.window_seconds)
    return f"throttle:{limit.name}:{digest}:{window}"


def count(limit: Limit, subject: str) -> int:
    return int(cache.get(cache_key(limit, subject), 0))


def is_limited(limit: Limit, subject: str) -> bool:
    return count(limit, subject) >= limit.max_hits


def hit(limit: Limit, subject: str) -> int:
    """Record one hit; return the count in the current window."""
    key = cache_key(limit, subject)
    cache.add(key, 0, timeout=limit.window_seconds + 5)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The key expired between add and incr: start the window again.
        cache.set(key, 1, timeout=limit.window_seconds + 5)
        return 1


def reset(limit: Limit, subject: str) -> None:
    cache.delete(cache_key(limit, subject))


def client_ip(request) -> str:  # noqa: ANN001
    """The client's address; behind a trusted proxy, the last hop it added."""
    from django.conf import settings

    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")
