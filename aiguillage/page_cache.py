"""Public pages kept as rendered until what they show changes.

Some public pages read much to say little that changes: a search's results, a place's record, the
observatory's coverage, a roadmap's sheets. Anonymous visitors share one copy per address, kept in the shared
cache under version tokens (aiguillage.memo) that the writes renew, and under the footer's own (the help line):
a page kept is the page a fresh rendering would give. Signed-in readers, who may see more, and a visitor with a
message waiting (shown once, to them only) always get a fresh page.

What a page says of the clock ("ouvert maintenant, ferme à 18 h", today's row of the week) is true until a
moment the view knows: it sets ``response.kept_seconds`` (0: not kept). Any page lives at most ``seconds`` and
``settings.PUBLIC_PAGES_KEPT_SECONDS`` (0: no page is kept): figures read live (a count of requests) are at most
that old.
"""

import hashlib
import time
from collections.abc import Callable, Collection, Sequence
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from aiguillage import memo

PAGE_SECONDS = 600
# Headers the server sets on every answer anyway; a kept page carries only the view's own.
_SERVER_HEADERS = frozenset({"content-length", "vary", "content-security-policy", "set-cookie"})


def forget(*version_keys: str) -> None:
    """Every page kept under one of version_keys is out of date, in every process."""
    memo.forget(*version_keys)


def _layout_keys() -> tuple[str, ...]:
    from legal.pages import HELP_LINE_KEY

    return (HELP_LINE_KEY,)


def _shared(request: HttpRequest) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    # A message waiting is shown on the next page, to this visitor only (len() reads without using them up).
    return not (hasattr(request, "_messages") and len(get_messages(request)))


def serve(
    request: HttpRequest,
    version_keys: Sequence[str],
    render: Callable[[], HttpResponse],
    *,
    seconds: int = PAGE_SECONDS,
    params: Collection[str] | None = None,
) -> HttpResponse:
    """The page as ``render`` gives it, from the shared copy while the versions it was kept under hold.

    ``params``: the query parameters the view reads; an address with others is rendered and not kept, so that
    made-up addresses cannot fill the cache with copies of one page."""
    if not settings.PUBLIC_PAGES_KEPT_SECONDS or not _shared(request):
        return render()
    if params is not None and not set(request.GET).issubset(params):
        return render()
    tokens = memo.tokens([*version_keys, *_layout_keys()], timeout=seconds)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"page:{hashlib.sha256(':'.join(tokens).encode()).hexdigest()}:{path}"
    store = caches["pages"]
    kept = store.get(key)
    if kept is not None:
        content, headers, kept_at, until = kept
        # A copy is true from when it was made until the moment its view gave (a clock set back sees none).
        if kept_at <= time.time() < until:
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
    now = time.time()
    response = render()
    lifetime = min(seconds, settings.PUBLIC_PAGES_KEPT_SECONDS, getattr(response, "kept_seconds", seconds))
    if response.status_code == 200 and not response.streaming and not response.cookies and lifetime > 0:
        headers = [(name, value) for name, value in response.items() if name.lower() not in _SERVER_HEADERS]
        store.set(key, (response.content, headers, now, now + lifetime), timeout=max(1, int(lifetime)))
    return response


def kept_for_the_public(
    *version_keys: str | Callable[..., str], seconds: int = PAGE_SECONDS
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view's page kept under these versions; a callable gives one from the view's arguments (one record's)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            keys = [key(*args, **kwargs) if callable(key) else key for key in version_keys]
            return serve(request, keys, lambda: view(request, *args, **kwargs), seconds=seconds)

        return wrapper

    return decorate
