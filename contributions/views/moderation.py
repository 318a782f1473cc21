"""The coordinators' queue of proposed places and claims: accept, correct then accept, merge, refuse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contributions import actions
from contributions.forms import MergeForm, RefuseForm
from contributions.models import Claim, ClaimStatus, Proposal, ProposalStatus
from contributions.summary import machines_of, place_summary
from directory.access import require_coordinator
from directory.models import Place

RECENT = 20


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    duplicates = Prefetch("possible_duplicates", queryset=Place.objects.select_related("commune"))
    proposals = Proposal.objects.pending().select_related("commune").prefetch_related(duplicates)
    claims = Claim.objects.pending().select_related("place__commune", "objected_by").prefetch_related("place__managers")
    decided = list(
        Proposal.objects.filter(status__in=[ProposalStatus.ACCEPTED, ProposalStatus.MERGED, ProposalStatus.REFUSED])
        .select_related("place", "decided_by")
        .order_by("-decided_at")[:RECENT]
    )
    decided_claims = list(
        Claim.objects.filter(status__in=[ClaimStatus.ACCEPTED, ClaimStatus.REFUSED])
        .select_related("place", "decided_by")
        .order_by("-decided_at")[:RECENT]
    )
    context = {
        "proposals": list(proposals),
        "claims": list(claims),
        "decided": decided,
        "decided_claims": decided_claims,
        "unconfirmed": Proposal.objects.filter(status=ProposalStatus.UNCONFIRMED).count()
        + Claim.objects.filter(status=ClaimStatus.UNCONFIRMED).count(),
    }
    return render(request, "contributions/queue.html", context)


def _pending_proposal(request: HttpRequest, pk: int) -> Proposal:
    require_coordinator(request.user)
    return get_object_or_404(Proposal.objects.select_related("commune"), pk=pk)


@require_safe
@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pending_proposal(request, pk)
    form, equipment, _ = actions.place_forms(found.data, Place())
    valid = form.is_valid() and equipment.is_valid()
    context = {
        "proposal": found,
        "summary": place_summary(form, machines_of(equipment)) if valid else [],
        "valid": valid,
        "duplicates": list(found.possible_duplicates.select_related("commune")),
        "refuse_form": RefuseForm(),
        "merge_form": MergeForm(),
    }
    return render(request, "contributions/proposal_detail.html", context)


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("contributions:queue")


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pending_proposal(request, pk)
    try:
        place = actions.accept_proposal(proposal=found, actor=request.user)
    except actions.ContributionError as error:
        messages.error(request, str(error))
        return redirect("contributions:proposal", pk=found.pk)
    return _done(request, f"« {place.name} » est publié ; {found.email} en est gestionnaire.")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_then_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pending_proposal(request, pk)
    if found.status != ProposalStatus.PENDING:
        messages.error(request, "Cette proposition a déjà été traitée ou attend la confirmation de l'adresse.")
        return redirect("contributions:queue")
    data = (
        {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
        if request.method == "POST"
        else found.data
    )
    form, equipment, _ = actions.place_forms(data, Place())
    if request.method == "POST" and form.is_valid() and equipment.is_valid():
        try:
            place = actions.accept_proposal(proposal=found, actor=request.user, data=data)
        except actions.ContributionError as error:
            messages.error(request, str(error))
        else:
            return _done(request, f"« {place.name} » est publié avec vos corrections.")
    status = 400 if request.method == "POST" else 200
    context = {"proposal": found, "form": form, "equipment": equipment}
    return render(request, "contributions/proposal_edit.html", context, status=status)


@require_POST
@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pending_proposal(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("contributions:proposal", pk=found.pk)
    try:
        place = actions.merge_proposal(proposal=found, actor=request.user, place=form.cleaned_data["place"])
    except actions.ContributionError as error:
        messages.error(request, str(error))
        return redirect("contributions:proposal", pk=found.pk)
    return _done(request, f"La proposition complète la fiche « {place.name} » ; {found.email} en est gestionnaire.")


@require_POST
@login_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    found = _pending_proposal(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Expliquez pourquoi vous refusez : la personne le lira.")
        return redirect("contributions:proposal", pk=found.pk)
    try:
        actions.refuse_proposal(proposal=found, actor=request.user, reason=form.cleaned_data["reason"])
    except actions.ContributionError as error:
        messages.error(request, str(error))
        return redirect("contributions:proposal", pk=found.pk)
    return _done(request, f"La proposition « {found.place_name} » est refusée ; {found.email} en est informé.")


@require_POST
@login_required
def decide_claim(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    found = get_object_or_404(Claim.objects.select_related("place"), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            actions.accept_claim(claim=found, actor=request.user)
            return _done(request, f"{found.email} gère désormais « {found.place.name} ».")
        if action == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Expliquez pourquoi vous refusez : la personne le lira.")
                return redirect("contributions:queue")
            actions.refuse_claim(claim=found, actor=request.user, reason=form.cleaned_data["reason"])
            return _done(request, f"La demande de {found.email} est refusée ; la personne en est informée.")
    except actions.ContributionError as error:
        messages.error(request, str(error))
        return redirect("contributions:queue")
    messages.error(request, "Choisissez d'accepter ou de refuser la demande.")
    return redirect("contributions:queue")
