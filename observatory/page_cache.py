"""The observatory's public page, kept as rendered until a place changes.

Its coverage figures read every open place with a named machine and every commune of the territory, then
lay out a table of every commune: a third of a second of work for an answer that changes only when a place
does. Anonymous visitors share one copy per address; signed-in readers (who see more) always get a fresh one.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from aiguillage import memo

DIRECTORY_KEY = "observatory:directory"
# Also the longest a kept page lives: figures at most this old even if a change went unseen.
PAGE_SECONDS = 600


def forget(**kwargs: object) -> None:
    """A place changed (directory.index.places_changed): every kept page is out of date."""
    memo.forget(DIRECTORY_KEY)


def kept_for_the_public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated or request.method != "GET":
            return view(request, *args, **kwargs)
        version = memo.token(DIRECTORY_KEY, timeout=PAGE_SECONDS)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"observatory:page:{version}:{path}"
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), timeout=PAGE_SECONDS)
        return response

    return wrapper
