"""Public pages kept as rendered until what they show changes.

Some public pages read much to say little that changes: the observatory's coverage (every open place with a
named machine, every commune of the territory), a roadmap's sheets with their live indicators and funding
suggestions. Anonymous visitors share one copy per address, kept in the shared cache under a version token
(aiguillage.memo) that the writes renew; signed-in readers, who may see more, always get a fresh page.
A kept page lives at most ``seconds``: figures read live (a count of requests) are at most that old.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from aiguillage import memo

PAGE_SECONDS = 600


def forget(version_key: str) -> None:
    """Every page kept under version_key is out of date, in every process."""
    memo.forget(version_key)


def kept_for_the_public(
    version_key: str, *, seconds: int = PAGE_SECONDS
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.user.is_authenticated or request.method != "GET":
                return view(request, *args, **kwargs)
            version = memo.token(version_key, timeout=seconds)
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"page:{version_key}:{version}:{path}"
            kept = cache.get(key)
            if kept is not None:
                content, content_type = kept
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), timeout=seconds)
            return response

        return wrapper

    return decorate
