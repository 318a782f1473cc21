""" "Ajouter mon lieu": a public proposal in steps, each a plain form (no JavaScript needed), kept in the session.

Nothing is stored in the directory until the last step; the proposal waits for the proposer's address to be
confirmed, then for a coordinator.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from contributions import actions, duplicates, limits, tokens
from contributions.forms import ContributorForm, NotDuplicateForm
from contributions.models import Proposal, ProposalStatus
from contributions.summary import machines_of, place_summary
from directory.edit_forms import PlaceForm
from directory.models import Equipment, Place

SESSION_KEY = "contributions.proposal"
# (slug, title, sections of the place's form)
STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("vous", "Vous et votre organisation", ()),
    ("lieu", "Le lieu", ("identity", "address")),
    ("activites", "Ce qu'on peut y faire", ("offer",)),
    ("horaires", "Horaires et contact", ("hours", "contact")),
    ("envoyer", "Vérifier et envoyer", ()),
)
SLUGS = [slug for slug, _, _ in STEPS]
LEFT_OUT = {"csrfmiddlewaretoken"}


def _state(request: HttpRequest) -> dict:
    return request.session.get(SESSION_KEY) or {"steps": {}}


def _save_state(request: HttpRequest, state: dict) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _posted(request: HttpRequest) -> dict:
    return {key: request.POST.getlist(key) for key in request.POST if key not in LEFT_OUT}


def _place_data(state: dict) -> dict:
    merged: dict = {}
    for slug in SLUGS[1:-1]:
        merged.update(state["steps"].get(slug, {}))
    return merged


def _first_missing(state: dict, before: str) -> str | None:
    for slug in SLUGS[: SLUGS.index(before)]:
        if slug not in state["steps"]:
            return slug
    return None


def _forms(slug: str, data: dict | None) -> tuple:
    """The step's form (and the machines' formset on the "activités" step), bound to data when given."""
    query = actions.as_query_dict(data) if data is not None else None
    if slug == "vous":
        return ContributorForm(query), None
    sections = dict((s, sec) for s, _, sec in STEPS)[slug]
    form = PlaceForm(query, instance=Place(), sections=sections)
    equipment = None
    if slug == "activites":
        equipment = actions.EquipmentFormSet(
            query, instance=Place(), prefix=actions.EQUIPMENT_PREFIX, queryset=Equipment.objects.none()
        )
    return form, equipment


def _context(slug: str, **extra: object) -> dict:
    index = SLUGS.index(slug)
    return {
        "steps": [(s, title) for s, title, _ in STEPS],
        "step": slug,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "step_title": STEPS[index][1],
        "previous": SLUGS[index - 1] if index else None,
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def step(request: HttpRequest, slug: str = "vous") -> HttpResponse:
    if slug not in SLUGS:
        return redirect("contributions:propose")
    if slug == "envoyer":
        return review(request)
    state = _state(request)
    missing = _first_missing(state, slug)
    if missing:
        return redirect("contributions:propose_step", slug=missing)
    status = 200
    if request.method == "POST":
        form, equipment = _forms(slug, _posted(request))
        if form.is_valid() and (equipment is None or equipment.is_valid()):
            state["steps"][slug] = _posted(request)
            _save_state(request, state)
            return redirect("contributions:propose_step", slug=SLUGS[SLUGS.index(slug) + 1])
        status = 400
    else:
        form, equipment = _forms(slug, state["steps"].get(slug))
    return render(
        request, "contributions/proposal_step.html", _context(slug, form=form, equipment=equipment), status=status
    )


def review(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    missing = _first_missing(state, "envoyer")
    if missing:
        return redirect("contributions:propose_step", slug=missing)
    person = ContributorForm(actions.as_query_dict(state["steps"]["vous"]))
    data = _place_data(state)
    form, equipment, _ = actions.place_forms(data, Place())
    if not (person.is_valid() and form.is_valid() and equipment.is_valid()):
        # A vocabulary changed meanwhile, or the session is from an older form: start the steps again.
        return redirect("contributions:propose_step", slug="lieu")
    cleaned = form.cleaned_data
    found = duplicates.possible_duplicates(
        name=cleaned["name"],
        commune=cleaned["commune_name"],
        phone=cleaned.get("phone", ""),
        email=cleaned.get("email", ""),
        website=cleaned.get("website", ""),
    )
    confirm = NotDuplicateForm(request.POST if request.method == "POST" else None)
    status = 200
    error = ""
    if request.method == "POST":
        if found and not confirm.is_valid():
            status = 400
        elif not limits.allowed(request, person.cleaned_data["email"]):
            error, status = limits.MESSAGE, 429
        else:
            request.session.pop(SESSION_KEY, None)
            email = person.cleaned_data["email"]
            if not person.cleaned_data["site_web"]:
                actions.submit_proposal(contributor=person.contributor(), data=data, duplicates=found)
            request.session["contributions.sent_to"] = email
            return redirect("contributions:proposal_sent")
    context = _context(
        "envoyer",
        person=person.contributor(),
        summary=place_summary(form, machines_of(equipment)),
        duplicates=found,
        confirm=confirm,
        error=error,
    )
    return render(request, "contributions/proposal_review.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("contributions.sent_to", "")
    return render(request, "contributions/check_mailbox.html", {"email": email, "what": "proposal"})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email. Showing it changes nothing (mail scanners open links); the button does."""
    try:
        pk, email = tokens.read(token, "proposal")
    except tokens.LinkError as error:
        return render(request, "contributions/link_invalid.html", {"message": str(error)}, status=400)
    proposal = get_object_or_404(Proposal.objects.select_related("commune"), pk=pk, email=email)
    if request.method == "POST" or proposal.status != ProposalStatus.UNCONFIRMED:
        proposal = actions.confirm_proposal(proposal=proposal)
        return render(request, "contributions/proposal_confirmed.html", {"proposal": proposal})
    return render(request, "contributions/confirm_address.html", {"email": proposal.email, "what": proposal.place_name})
