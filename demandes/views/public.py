"""The public form and the requester's private tracking page."""

import hmac
import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import throttle
from aiguillage.http import personal_data
from demandes import tracking, transitions
from demandes.forms import CancelForm, LostLinkForm, RequesterDetailForm, RequestForm, blank_request_fields
from demandes.intake import create_request, form_fields
from demandes.models import Channel, EventKind, OrientationStatus, Request
from demandes.references import hash_key
from legal import pages


def _ip_limit() -> throttle.Limit:
    return throttle.Limit("request-ip", settings.REQUEST_THROTTLE_PER_IP, settings.REQUEST_THROTTLE_WINDOW)


# When this browser sent its requests: a signed cookie rather than the session, which cost every submission a
# session row written and committed (the limit is the same: a browser that drops either starts afresh, and the
# address's ceiling still holds).
SENT_COOKIE = "demandes_envois"
SENT_SALT = "demandes.sent"


def _sent_from_this_browser(request: HttpRequest) -> list[int]:
    """When this browser sent its requests, within the current window."""
    window = settings.REQUEST_THROTTLE_WINDOW
    raw = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_SALT, max_age=window)
    since = time.time() - window
    try:
        stamps = [int(stamp) for stamp in raw.split(",") if stamp]
    except ValueError:
        return []
    return [stamp for stamp in stamps if stamp > since]


def _record_sent(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    window = settings.REQUEST_THROTTLE_WINDOW
    stamps = [*_sent_from_this_browser(request), int(time.time())][-settings.REQUEST_THROTTLE_PER_SESSION :]
    response.set_signed_cookie(
        SENT_COOKIE,
        ",".join(str(stamp) for stamp in stamps),
        salt=SENT_SALT,
        max_age=window,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _unlimited(request: HttpRequest) -> bool:
    """A signed-in mediator or coordinator records requests for others all day long."""
    user = request.user
    return user.is_authenticated and (user.is_mediator or user.is_coordinator)


def throttled_message() -> str:
    return f"Beaucoup de demandes sont déjà parties de cet ordinateur. Réessayez dans une heure, ou {pages.call_us()}."


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    initial = {"description": request.GET.get("besoin", "")[:5000], "commune": request.GET.get("commune", "")[:100]}
    form = RequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        unlimited = _unlimited(request)
        # A shared computer (library, France Services) sends for many people: its address has a high ceiling,
        # each browser session a low one.
        limited = not unlimited and (
            len(_sent_from_this_browser(request)) >= settings.REQUEST_THROTTLE_PER_SESSION
            or throttle.is_limited(_ip_limit(), ip)
        )
        if limited:
            form.add_error(None, throttled_message())
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            if not unlimited:
                throttle.hit(_ip_limit(), ip)
            if data["site_web"]:
                response = render(request, "demandes/received.html", {"reference": None})
            else:
                created = create_request(**form_fields(data), channel=Channel.WEB)
                context = {
                    "reference": created.request.reference,
                    "tracking_url": created.tracking_path,
                    "tracking_link": created.tracking_url,
                    "emailed": bool(data["contact_email"]),
                    "for_mediator": False,
                }
                response = render(request, "demandes/received.html", context)
            return response if unlimited else _record_sent(request, response)
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
                form.add_error(
                    None, f"Vous avez déjà fait plusieurs demandes. Réessayez dans une heure, ou {pages.call_us()}."
                )
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


def _tracked(reference: str, key: str) -> Request:
    found = Request.objects.select_related("commune").filter(reference=reference).first()
    # Same answer for an unknown reference and a wrong key: the page reveals nothing without both.
    if found is None or not hmac.compare_digest(found.tracking_key_hash, hash_key(key)):
        raise Http404
    return found


def _track_page(
    request: HttpRequest,
    found: Request,
    *,
    detail_form: RequesterDetailForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    accepted = (
        found.orientations.filter(status__in=[OrientationStatus.ACCEPTED, OrientationStatus.DONE])
        .select_related("place__commune")
        .order_by("responded_at")
        .first()
    )
    pending = found.orientations.filter(status=OrientationStatus.SENT).order_by("expires_at").first()
    context = {
        "req": found,
        "accepted": accepted,
        "pending": pending,
        "next_step": tracking.next_step(found, accepted=accepted, pending=pending),
        "details": found.events.filter(kind=EventKind.REQUESTER_DETAIL).order_by("created_at"),
        "detail_form": detail_form or RequesterDetailForm(),
        "cancel_form": cancel_form or CancelForm(),
        "key": request.resolver_match.kwargs["key"],
    }
    return render(request, "demandes/track.html", context, status=status)


@personal_data
@require_safe
def track(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    return _track_page(request, _tracked(reference, key))


def _detail_limit() -> throttle.Limit:
    return throttle.Limit("track-detail", settings.REQUEST_DETAIL_THROTTLE, settings.REQUEST_DETAIL_THROTTLE_WINDOW)


@personal_data
@require_POST
def track_add_detail(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    found = _tracked(reference, key)
    form = RequesterDetailForm(request.POST)
    if not form.is_valid():
        return _track_page(request, found, detail_form=form, status=400)
    if throttle.is_limited(_detail_limit(), found.reference):
        form.add_error(
            None, f"Vous avez ajouté beaucoup de précisions. Réessayez dans une heure, ou {pages.call_us()}."
        )
        return _track_page(request, found, detail_form=form, status=429)
    try:
        transitions.add_requester_detail(request=found, text=form.cleaned_data["detail"])
    except transitions.TransitionError as error:
        form.add_error(None, str(error))
        return _track_page(request, found, detail_form=form, status=400)
    throttle.hit(_detail_limit(), found.reference)
    messages.success(request, "Votre précision est ajoutée à la demande. La coordination en est prévenue.")
    return redirect("demandes:track", reference=reference, key=key)


@personal_data
@require_POST
def track_cancel(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    found = _tracked(reference, key)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _track_page(request, found, cancel_form=form, status=400)
    try:
        transitions.cancel_by_requester(request=found, note=form.cleaned_data["reason"])
    except transitions.TransitionError as error:
        form.add_error(None, str(error))
        return _track_page(request, found, cancel_form=form, status=400)
    messages.success(request, "Votre demande est annulée. Merci de nous avoir prévenus.")
    return redirect("demandes:track", reference=reference, key=key)
