"""The site's URLs, plus views that fail on purpose: the error pages are seen as people would meet them."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from aiguillage.errors import csrf_failure
from aiguillage.urls import handler400, handler403, handler404, handler500  # noqa: F401 - Django reads them here


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def database_down(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("unreachable")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered input")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def csrf(request: HttpRequest) -> HttpResponse:
    return csrf_failure(request, reason="CSRF token missing")


urlpatterns = [
    path("essai/erreur/", broken),
    path("essai/base-injoignable/", database_down),
    path("essai/400/", suspicious),
    path("essai/403/", forbidden),
    path("essai/csrf/", csrf),
    path("", include("aiguillage.urls")),
]
