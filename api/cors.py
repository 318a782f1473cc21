"""CORS for the calls any web page may make, and HEAD for the reads; nothing for the calls that need a token.

A partner's page may read the directory, and ask for suggestions (which record nothing), from the visitor's
browser. Recording a request needs an organisation token, which must never sit in a web page: /requests
sends no CORS header, so browsers refuse cross-origin calls to it. Credentials are never allowed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

READ = ("GET", "HEAD", "OPTIONS")
PUBLIC_POST = ("POST", "OPTIONS")
# URL names of the API's views (ninja names an operation's view by its url_name, else its function's name).
OPEN_TO_ANY_ORIGIN: dict[str, tuple[str, ...]] = {
    "openapi-json": READ,
    "places": READ,
    "place": READ,
    "communes": READ,
    "vocabularies": READ,
    "vocabulary": READ,
    "suggest_places": PUBLIC_POST,
}
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-Modified-Since, If-None-Match"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"
PREFLIGHT_MAX_AGE = 86400


def open_to_any_origin(view: Callable[..., HttpResponse], url_name: str | None) -> Callable[..., HttpResponse]:
    """view, answering preflights and HEAD itself and adding CORS headers, when url_name is open; else view."""
    methods = OPEN_TO_ANY_ORIGIN.get(url_name or "")
    if methods is None:
        return view
    allowed = ", ".join(methods)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]
            response["Allow"] = allowed
            response["Access-Control-Allow-Methods"] = allowed
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        elif request.method == "HEAD" and "HEAD" in methods:
            # The GET answer without its body: same status, same headers, same rate limit.
            request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    return wrapper
