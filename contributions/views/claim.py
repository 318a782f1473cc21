""" "C'est mon lieu": ask to manage a record; confirm one's address; a current manager objects."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from contributions import actions, domains, limits, tokens
from contributions.forms import ClaimForm, ObjectionForm
from contributions.models import Claim, ClaimStatus
from directory.models import Place


@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.select_related("commune"), pk=pk)
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif not limits.allowed(request, form.cleaned_data["email"]):
            form.add_error(None, limits.MESSAGE)
            status = 429
        else:
            if not form.cleaned_data["site_web"]:
                actions.submit_claim(place=place, contributor=form.contributor(), message=form.cleaned_data["message"])
            return render(
                request,
                "contributions/check_mailbox.html",
                {"email": form.cleaned_data["email"], "what": "claim", "place": place},
            )
    context = {
        "place": place,
        "form": form,
        "own_domains": sorted(domains.place_domains(place)),
        "managed": place.managers.exists(),
    }
    return render(request, "contributions/claim_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk, email = tokens.read(token, "claim")
    except tokens.LinkError as error:
        return render(request, "contributions/link_invalid.html", {"message": str(error)}, status=400)
    found = get_object_or_404(Claim.objects.select_related("place__commune"), pk=pk, email=email)
    if request.method == "POST" or found.status != ClaimStatus.UNCONFIRMED:
        found = actions.confirm_claim(claim=found)
        return render(request, "contributions/claim_confirmed.html", {"claim": found, "place": found.place})
    return render(request, "contributions/confirm_address.html", {"email": found.email, "what": found.place.name})


@require_http_methods(["GET", "HEAD", "POST"])
def object_to(request: HttpRequest, token: str) -> HttpResponse:
    """A current manager's link: say why this person should not manage the place; the coordinators decide."""
    try:
        pk, email = tokens.read(token, "objection")
    except tokens.LinkError as error:
        return render(request, "contributions/link_invalid.html", {"message": str(error)}, status=400)
    found = get_object_or_404(Claim.objects.select_related("place__commune"), pk=pk)
    manager = User.objects.filter(email=email, is_active=True).first()
    form = ObjectionForm(request.POST or None)
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid() and manager is not None:
            try:
                actions.object_to_claim(claim=found, manager=manager, text=form.cleaned_data["text"])
            except actions.ContributionError as problem:
                error, status = str(problem), 400
            else:
                return render(request, "contributions/objection_done.html", {"claim": found, "place": found.place})
        else:
            status = 400
            if manager is None:
                error = "Seuls les gestionnaires actuels du lieu peuvent s'opposer à cette demande."
    context = {"claim": found, "place": found.place, "form": form, "error": error}
    return render(request, "contributions/objection_form.html", context, status=status)
