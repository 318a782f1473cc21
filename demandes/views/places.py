"""Places answer the requests sent to them: through their account, or a signed link without one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from accounts.throttle import client_ip
from aiguillage.http import personal_data
from demandes import access, contact_unlock, links, transitions
from demandes.forms import AnswerForm
from demandes.models import Orientation, OrientationStatus


@personal_data
@require_safe
@login_required
def my_orientations(request: HttpRequest) -> HttpResponse:
    orientations = (
        Orientation.objects.filter(place__managers=request.user)
        .select_related("request__commune", "place")
        .order_by("-sent_at")[:200]
    )
    return render(request, "demandes/my_orientations.html", {"orientations": orientations})


def _answer(
    request: HttpRequest,
    orientation: Orientation,
    *,
    actor: object,
    actor_label: str,
    via: str,
    code_sent: bool = False,
    code_error: str = "",
) -> HttpResponse:
    by_link = actor is None
    if request.method == "POST" and by_link and request.POST.get("action") in ("send_code", "code"):
        return _contact_step(request, orientation)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "accept":
                    transitions.accept(orientation=orientation, actor=actor, actor_label=actor_label, note=data["note"])
                    if by_link:
                        orientation.refresh_from_db()
                        contact_unlock.unlock(request, orientation)
                    messages.success(
                        request,
                        "Merci ! La demande est prise en charge : les coordonnées du demandeur sont ci-dessous.",
                    )
                elif data["action"] == "decline":
                    transitions.decline(
                        orientation=orientation,
                        actor=actor,
                        actor_label=actor_label,
                        reason=data["reason"],
                        note=data["note"],
                    )
                    messages.success(request, "C'est noté : la coordination cherchera un autre lieu.")
                else:
                    transitions.finish(
                        orientation=orientation,
                        actor=actor,
                        actor_label=actor_label,
                        outcome=data["outcome"],
                        note=data["note"],
                    )
                    messages.success(request, "Merci, la demande est clôturée.")
            except transitions.TransitionError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                return redirect(request.path)
        else:
            status = 400
    orientation.refresh_from_db()
    req = orientation.request
    may_see = access.may_see_contact(actor if actor else None, req, orientation=orientation)
    show_contact = may_see and (not by_link or contact_unlock.is_unlocked(request, orientation))
    if show_contact and req.has_contact:
        access.log_contact_view(
            req, viewer=actor, viewer_label=orientation.place.name, context=via, ip=client_ip(request)
        )
    context = {
        "orientation": orientation,
        "req": req,
        "form": form,
        "show_contact": show_contact,
        # Through the link, after acceptance, the contact details need the code sent to the place.
        "contact_locked": may_see and not show_contact and req.has_contact,
        "place_addresses": [contact_unlock.masked(a) for a in contact_unlock.place_addresses(orientation)]
        if by_link
        else [],
        "code_sent": code_sent,
        "code_error": code_error,
        "waiting": orientation.status == OrientationStatus.SENT,
        "accepted": orientation.status == OrientationStatus.ACCEPTED,
    }
    if code_error:
        status = 400 if status == 200 else status
    return render(request, "demandes/answer.html", context, status=status)


def _contact_step(request: HttpRequest, orientation: Orientation) -> HttpResponse:
    """Send the place a code, or check the code typed; then show the page again."""
    orientation.refresh_from_db()
    label = f"{orientation.place.name} (lien envoyé par courriel)"
    again = {"actor": None, "actor_label": label, "via": "lien du lieu"}
    if orientation.status not in (OrientationStatus.ACCEPTED, OrientationStatus.DONE):
        return _answer_get(request, orientation, **again)
    if request.POST.get("action") == "send_code":
        if not contact_unlock.send_code(orientation):
            return _answer_get(request, orientation, **again, code_error=NO_ADDRESS)
        return _answer_get(request, orientation, **again, code_sent=True)
    limit = contact_unlock.attempts_limit()
    subject = str(orientation.pk)
    try:
        if throttle.is_limited(limit, subject):
            return _answer_get(request, orientation, **again, code_sent=True, code_error=TOO_MANY)
        if not contact_unlock.check_code(orientation, request.POST.get("code", "")[:20]):
            throttle.hit(limit, subject)
            return _answer_get(request, orientation, **again, code_sent=True, code_error=WRONG_CODE)
    except throttle.CacheUnavailable:
        return _answer_get(request, orientation, **again, code_sent=True, code_error=throttle.UNAVAILABLE_MESSAGE)
    contact_unlock.unlock(request, orientation)
    return redirect(request.path)


def _answer_get(request: HttpRequest, orientation: Orientation, **kwargs: object) -> HttpResponse:
    # The page as a GET shows it, with the code step's message: the answer form is not bound to this POST.
    request.method = "GET"
    return _answer(request, orientation, **kwargs)


NO_ADDRESS = "Ce lieu n'a pas d'adresse électronique : connectez-vous à votre compte, ou appelez la coordination."
TOO_MANY = "Trop d'essais. Demandez un nouveau code dans un quart d'heure, ou connectez-vous à votre compte."
WRONG_CODE = "Ce code n'est pas le bon, ou il a expiré. Vérifiez le dernier courriel reçu, ou demandez un nouveau code."


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def answer_with_account(request: HttpRequest, pk: int) -> HttpResponse:
    orientation = access.get_orientation_for_manager(request.user, pk)
    return _answer(request, orientation, actor=request.user, actor_label="", via="compte du lieu")


@personal_data
@require_http_methods(["GET", "HEAD", "POST"])
def answer_with_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        orientation = links.read_orientation_token(token)
    except links.LinkError as error:
        return render(request, "demandes/link_invalid.html", {"message": str(error)}, status=400)
    label = f"{orientation.place.name} (lien envoyé par courriel)"
    return _answer(request, orientation, actor=None, actor_label=label, via="lien du lieu")
