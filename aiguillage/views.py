from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from aiguillage import outbox


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: the app answers and its database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


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
