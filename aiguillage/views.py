import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.throttle import CACHE_ERRORS
from aiguillage import outbox

HEALTH_KEY = "health:probe"


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure of the database is what this page reports
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": True}


def _cache() -> dict:
    # The strict alias: the default one hides outages on purpose.
    store = caches["throttle"]
    try:
        value = str(time.time())
        store.set(HEALTH_KEY, value, timeout=30)
        ok = store.get(HEALTH_KEY) == value
    except CACHE_ERRORS as error:
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": ok, "shared": bool(settings.REDIS_URL)}


def _outbox() -> dict:
    """Emails waiting to leave, and how long the oldest still being tried has waited.

    An email given up after every retry is the coordinators' to handle (/coordination/courriels/), not an outage.
    """
    try:
        queue = outbox.backlog()
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "detail": type(error).__name__}
    oldest = queue.oldest_unsent
    seconds = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {
        "ok": seconds <= settings.HEALTH_OUTBOX_MAX_AGE_SECONDS,
        "unsent": queue.unsent,
        "given_up": queue.given_up,
        "oldest_unsent_age_seconds": seconds,
    }


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: the app, its database, its cache and its outbox; 503 when one fails."""
    checks = {"database": _database(), "cache": _cache(), "outbox": _outbox()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "error", **checks},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@login_required
def outbox_view(request: HttpRequest) -> HttpResponse:
    """Coordinators see every email that has not left yet, and why."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    emails = outbox.undelivered()
    context = {
        "failed": [email for email in emails if email.attempts],
        "waiting": [email for email in emails if not email.attempts],
        "max_attempts": settings.OUTBOX_MAX_ATTEMPTS,
    }
    response = render(request, "aiguillage/outbox.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied
    if outbox.retry_now(pk=pk):
        messages.success(request, "Le courriel sera renvoyé au prochain passage de l'envoi (chaque minute).")
    else:
        messages.error(request, "Ce courriel n'est plus en échec : il a été envoyé ou est déjà en file.")
    return redirect("outbox")
