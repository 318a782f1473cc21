"""The public form and the requester's private tracking page."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from aiguillage.http import personal_data
from demandes.forms import RequestForm
from demandes.intake import create_request, form_fields
from demandes.models import Channel, OrientationStatus, Request, Status
from demandes.references import hash_key


def _limit() -> throttle.Limit:
    return throttle.Limit("request-ip", settings.REQUEST_THROTTLE_PER_IP, settings.REQUEST_THROTTLE_WINDOW)


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    initial = {"description": request.GET.get("besoin", "")[:5000], "commune": request.GET.get("commune", "")[:100]}
    form = RequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        if throttle.is_limited(_limit(), ip):
            form.add_error(None, "Vous avez envoyé beaucoup de demandes. Réessayez dans une heure, ou appelez-nous.")
            status = 429
        elif form.is_valid():
            throttle.hit(_limit(), ip)
            data = form.cleaned_data
            if data["site_web"]:
                return render(request, "demandes/received.html", {"reference": None})
            created = create_request(**form_fields(data), channel=Channel.WEB)
            context = {
                "reference": created.request.reference,
                "tracking_url": created.tracking_path,
                "emailed": bool(data["contact_email"]),
            }
            return render(request, "demandes/received.html", context)
        else:
            status = 400
    return render(request, "demandes/new_request.html", {"form": form}, status=status)


@personal_data
@require_safe
def track(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    found = Request.objects.select_related("commune").filter(reference=reference).first()
    # Same answer for an unknown reference and a wrong key: the page reveals nothing without both.
    if found is None or not hmac.compare_digest(found.tracking_key_hash, hash_key(key)):
        raise Http404
    accepted = (
        found.orientations.filter(status__in=[OrientationStatus.ACCEPTED, OrientationStatus.DONE])
        .select_related("place__commune")
        .order_by("responded_at")
        .first()
    )
    pending = found.orientations.filter(status=OrientationStatus.SENT).order_by("expires_at").first()
    context = {"req": found, "accepted": accepted, "pending": pending, "Status": Status}
    return render(request, "demandes/track.html", context)
