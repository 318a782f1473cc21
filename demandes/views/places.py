"""Places answer the requests sent to them: through their account, or a signed link without one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.throttle import client_ip
from aiguillage.http import personal_data
from demandes import access, links, transitions
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
    request: HttpRequest, orientation: Orientation, *, actor: object, actor_label: str, via: str
) -> HttpResponse:
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "accept":
                    transitions.accept(orientation=orientation, actor=actor, actor_label=actor_label, note=data["note"])
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
    show_contact = access.may_see_contact(actor if actor else None, req, orientation=orientation)
    if show_contact and req.has_contact:
        access.log_contact_view(
            req, viewer=actor, viewer_label=orientation.place.name, context=via, ip=client_ip(request)
        )
    context = {
        "orientation": orientation,
        "req": req,
        "form": form,
        "show_contact": show_contact,
        "waiting": orientation.status == OrientationStatus.SENT,
        "accepted": orientation.status == OrientationStatus.ACCEPTED,
    }
    return render(request, "demandes/answer.html", context, status=status)


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
