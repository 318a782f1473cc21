"""Mediators record a need on someone's behalf and follow what they recorded."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.throttle import client_ip
from aiguillage.http import personal_data
from demandes import access
from demandes.forms import MediatorRequestForm
from demandes.intake import create_request, form_fields
from demandes.models import Channel, Request


def _require_mediator(user: object) -> None:
    if not (user.is_authenticated and (user.is_mediator or user.is_coordinator)):
        raise PermissionDenied


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    _require_mediator(request.user)
    form = MediatorRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = request.user.memberships.select_related("organisation").order_by("pk").first()
        created = create_request(
            **form_fields(data),
            channel=Channel.MEDIATOR,
            recorded_by=request.user,
            organisation=membership.organisation if membership else None,
            note=data["note"],
        )
        return render(
            request,
            "demandes/received.html",
            {
                "reference": created.request.reference,
                "tracking_url": created.tracking_path,
                "tracking_link": created.tracking_url,
                "emailed": bool(data["contact_email"]),
                "for_mediator": True,
            },
        )
    return render(request, "demandes/mediator_new.html", {"form": form}, status=400 if form.errors else 200)


@personal_data
@require_safe
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    _require_mediator(request.user)
    requests = Request.objects.filter(recorded_by=request.user).select_related("commune").order_by("-created_at")[:200]
    return render(request, "demandes/mediator_list.html", {"requests": requests})


@personal_data
@require_safe
@login_required
def mediator_detail(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_mediator(request.user, reference)
    if request.user.is_coordinator:
        return redirect("demandes:detail", reference=reference)
    show_contact = access.may_see_contact(request.user, req)
    if show_contact and req.has_contact:
        access.log_contact_view(req, viewer=request.user, context="médiateur", ip=client_ip(request))
    context = {
        "req": req,
        "show_contact": show_contact,
        "orientations": req.orientations.select_related("place__commune"),
        "events": req.events.select_related("actor"),
    }
    return render(request, "demandes/mediator_detail.html", context)
