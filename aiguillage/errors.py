"""The error pages: in French, in the site's layout, with the help line and a way home.

The server-error page renders without the database or the cache (either may be the reason for the error): it
uses no context processor, and reads the help line from this process's memory or the settings.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

# The last resort, if even the template cannot render.
BARE_500 = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur</title></head>'
    "<body><main><h1>Une erreur est survenue de notre côté</h1><p>Réessayez dans quelques minutes.</p>"
    '<p><a href="/">Revenir à l\'accueil</a></p></main></body></html>'
)


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old page, or cookies refused)."""
    return _page(request, "errors/csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    from directory.importers.licences import footer_credits
    from legal.pages import help_line_without_database

    try:
        context = {
            "SITE_NAME": settings.SITE_NAME,
            "TERRITORY_NAME": settings.TERRITORY_NAME,
            "ACCESSIBILITY_STATUS": settings.ACCESSIBILITY_STATUS,
            "DATA_CREDITS": footer_credits(),
            "HELP_LINE": help_line_without_database(),
        }
        return HttpResponseServerError(loader.render_to_string("errors/500.html", context))
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        logger.exception("the server-error page could not render")
        return HttpResponseServerError(BARE_500)
