"""Values read on every request and seldom changed (vocabularies, thesaurus), kept in this process's memory.

Keeping the value itself in the cache meant unpickling hundreds of terms on every search. The shared cache now
holds only a short token per key: a process keeps its copy as long as the token it was read under is the one in
the cache. ``forget`` drops the token (at once, and again when the transaction commits, so that no server reloads
the old rows in between): every server reloads at its next read. Without a shared cache, the token expires after
``timeout`` seconds, so a process's copy is at most that old, as before.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_memory: dict[str, tuple[str, object]] = {}


def _token_key(key: str) -> str:
    return f"memo:{key}"


def token(key: str, *, timeout: int) -> str:
    """The shared token under which key's value is valid now: the same in every process until ``forget``.

    Also a version for values kept elsewhere (a page kept in the shared cache under its token)."""
    current = cache.get(_token_key(key))
    if current is None:
        fresh = uuid.uuid4().hex
        # add, not set: two processes reloading at once agree on one token.
        cache.add(_token_key(key), fresh, timeout=timeout)
        current = cache.get(_token_key(key)) or fresh
    return current


def tokens(keys: list[str], *, timeout: int) -> list[str]:
    """``token`` of each key, read from the cache at once (one round trip to a shared cache)."""
    found = cache.get_many([_token_key(key) for key in keys])
    return [found.get(_token_key(key)) or token(key, timeout=timeout) for key in keys]


def get_or_set(key: str, loader: Callable[[], T], *, timeout: int) -> T:
    current = cache.get(_token_key(key))
    held = _memory.get(key)
    if current is not None and held is not None and held[0] == current:
        return held[1]  # type: ignore[return-value]
    current = current or token(key, timeout=timeout)
    value = loader()
    _memory[key] = (current, value)
    return value


def peek(key: str) -> object | None:
    """The value this process last loaded for ``key``, however old, without asking the cache (None if never)."""
    held = _memory.get(key)
    return held[1] if held is not None else None


def forget(*keys: str) -> None:
    def drop() -> None:
        for key in keys:
            _memory.pop(key, None)
        cache.delete_many([_token_key(key) for key in keys])

    drop()
    transaction.on_commit(drop)
