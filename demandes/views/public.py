"""The public form and the requester's private tracking page."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from aiguillage.http import personal_data
from demandes import tracking
from demandes.forms import LostLinkForm, RequestForm, blank_request_fields
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
    blank = not form.is_bound and not any(initial.values())
    context = {"form": form, "blank_fields": blank_request_fields() if blank else ""}
    return render(request, "demandes/new_request.html", context, status=status)


def _lost_link_limits() -> tuple[throttle.Limit, throttle.Limit]:
    window = settings.LOST_LINK_THROTTLE_WINDOW
    return (
        throttle.Limit("lost-link-ip", settings.LOST_LINK_THROTTLE_PER_IP, window),
        throttle.Limit("lost-link-contact", settings.LOST_LINK_THROTTLE_PER_CONTACT, window),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    """Ask for a new tracking link; the answer is the same whether or not a request matches."""
    form = LostLinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip_limit, contact_limit = _lost_link_limits()
        ip = throttle.client_ip(request)
        if form.is_valid():
            contact = form.cleaned_data["contact"]
            if throttle.is_limited(ip_limit, ip) or throttle.is_limited(contact_limit, contact):
                form.add_error(None, "Vous avez déjà fait plusieurs demandes. Réessayez dans une heure.")
                status = 429
            else:
                throttle.hit(ip_limit, ip)
                throttle.hit(contact_limit, contact)
                if not form.cleaned_data["site_web"]:
                    tracking.ask_again(contact=contact)
                by_email = "@" in contact
                return render(request, "demandes/lost_link_sent.html", {"by_email": by_email})
        else:
            status = 400
    return render(request, "demandes/lost_link.html", {"form": form}, status=status)


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
