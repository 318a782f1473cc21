"""The coordinators' queue and a request's page: suggestions, one-click orientation, notes, timeline."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role, User
from accounts.throttle import client_ip
from aiguillage.http import personal_data
from demandes import access, notifications, privacy, suggestions, tracking, transitions
from demandes.forms import (
    AssignForm,
    CloseForm,
    NeedsForm,
    NoteForm,
    OrientForm,
    PhonedForm,
    PlaceSearchForm,
    QueueFilterForm,
)
from demandes.links import orientation_url
from demandes.models import Delivery, NeedCategory, Orientation, Request, Status
from directory.models import Place
from territory.models import Epci

PAGE_SIZE = 50


def _epci_choices() -> list[tuple[str, str]]:
    from django.conf import settings

    return list(
        Epci.objects.filter(communes__departement__code__in=settings.TERRITORY_DEPARTEMENTS)
        .distinct()
        .order_by("name")
        .values_list("siren", "name")
    )


@personal_data
@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    requests = access.requests_for_coordinator(request.user).prefetch_related("needs")
    form = QueueFilterForm(request.GET, epcis=_epci_choices())
    if not form.is_valid():
        context = {"form": form, "page": None, "phone_tasks": _phone_tasks(request)}
        return render(request, "demandes/queue.html", context, status=400)
    data = form.cleaned_data
    status = data["statut"]
    if status == "":
        requests = requests.open()
    elif status != "all":
        requests = requests.filter(status=status)
    if data["besoin"]:
        requests = requests.filter(need_links__category=data["besoin"])
    if data["epci"]:
        requests = requests.filter(commune__epci__siren=data["epci"])
    now = timezone.now()
    if data["age"] == "7":
        requests = requests.filter(created_at__gte=now - dt.timedelta(days=7))
    elif data["age"] == "30":
        requests = requests.filter(created_at__gte=now - dt.timedelta(days=30))
    elif data["age"] == "old":
        requests = requests.filter(created_at__lt=now - dt.timedelta(days=30))
    if data["suivi"] == "moi":
        requests = requests.filter(assigned_to=request.user)
    elif data["suivi"] == "personne":
        requests = requests.filter(assigned_to__isnull=True)
    if data["non_couvert"]:
        requests = requests.filter(unmet=True)
    paginator = Paginator(requests.order_by("created_at").distinct(), PAGE_SIZE)
    page = paginator.get_page(data["page"] or 1)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query_string": params.urlencode(), "phone_tasks": _phone_tasks(request)}
    return render(request, "demandes/queue.html", context)


def _phone_tasks(request: HttpRequest) -> list[Orientation]:
    """Orientations to places with no address: someone must call them, and it stays here until done."""
    visible = access.requests_for_coordinator(request.user).open()
    return list(
        Orientation.objects.to_phone()
        .filter(request__in=visible)
        .select_related("request__commune", "place")
        .order_by("sent_at", "pk")[:100]
    )


def _people() -> object:
    return User.objects.filter(is_active=True, memberships__role__in=[Role.COORDINATOR, Role.MEDIATOR]).distinct()


@personal_data
@require_safe
@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    result = suggestions.for_request(req, limit=8) if req.status != Status.CLOSED else None
    suggested_ids = [suggestion.candidate.id for suggestion in result.suggestions] if result else []
    search = PlaceSearchForm(request.GET)
    found: list[dict] = []
    status = 200
    if not search.is_valid():
        status = 400
    elif search.cleaned_data["lieu"].strip() and req.status != Status.CLOSED:
        places = suggestions.find_open_places(search.cleaned_data["lieu"])
        known = suggestions.explain(req, [place.pk for place in places])
        found = [
            {
                "place": place,
                "reasons": known[place.pk][1] if place.pk in known else (),
                "by_email": bool(notifications.place_recipients(place)),
            }
            for place in places
        ]
    context = _detail_context(request, req, result, suggested_ids)
    searched = search.is_valid() and bool(search.cleaned_data["lieu"].strip())
    context.update({"search_form": search, "found_places": found, "searched": searched})
    return render(request, "demandes/detail.html", context, status=status)


def _detail_context(request: HttpRequest, req: Request, result: object, suggested_ids: list[int]) -> dict:
    show_contact = access.may_see_contact(request.user, req)
    if show_contact and req.has_contact:
        access.log_contact_view(req, viewer=request.user, context="coordination", ip=client_ip(request))
    version = {"version": req.version}
    phone_tasks = list(req.orientations.to_phone().select_related("place").order_by("sent_at", "pk"))
    return {
        "req": req,
        "result": result,
        "phone_tasks": [(task, orientation_url(task)) for task in phone_tasks],
        "phoned_form": PhonedForm(initial=version),
        "show_contact": show_contact,
        "needs_form": NeedsForm(
            initial={"needs": list(req.need_links.values_list("category_id", flat=True)), **version}
        ),
        "orient_form": OrientForm(initial=version, places=Place.objects.filter(pk__in=suggested_ids)),
        "note_form": NoteForm(initial=version),
        "assign_form": AssignForm(initial={"assignee": req.assigned_to_id, **version}, people=_people()),
        "close_form": CloseForm(initial=version),
        "links": req.need_links.select_related("category"),
        "orientations": req.orientations.select_related("place__commune", "decline_reason").order_by("sent_at"),
        "events": req.events.select_related("actor", "orientation__place"),
        "all_needs": NeedCategory.objects.filter(active=True),
    }


def _act(request: HttpRequest, req: Request, action: object) -> HttpResponse:
    try:
        action()
    except transitions.TransitionError as error:
        messages.error(request, str(error))
    return redirect("demandes:detail", reference=req.reference)


def _invalid(request: HttpRequest, req: Request, form: object) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("demandes:detail", reference=req.reference)


@personal_data
@require_POST
@login_required
def set_needs(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    form = NeedsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data
    return _act(
        request,
        req,
        lambda: transitions.set_needs(
            request=req, actor=request.user, categories=list(data["needs"]), expected_version=data["version"]
        ),
    )


@personal_data
@require_POST
@login_required
def orient(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    form = OrientForm(request.POST, places=Place.objects.filter(status="open"))
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data

    chosen = list(data["places"])
    known = suggestions.explain(req, [place.pk for place in chosen])
    explanations = {pk: transitions.Explanation(score=score, reasons=reasons) for pk, (score, reasons) in known.items()}

    def run() -> None:
        created = transitions.orient(
            request=req,
            actor=request.user,
            places=chosen,
            explanations=explanations,
            note=data["note"],
            expected_version=data["version"],
        )
        emailed = [o.place.name for o in created if o.delivery == Delivery.EMAIL]
        phoned = [f"{o.place.name} au {o.phone}" for o in created if o.delivery == Delivery.PHONE]
        if emailed:
            messages.success(request, f"Demande envoyée par courriel à {', '.join(emailed)}.")
        if phoned:
            messages.warning(
                request,
                f"Aucun courriel pour {', '.join(phoned)} : rien n'est parti. Appelez le lieu pour lui "
                "transmettre la demande, puis indiquez-le ci-dessous (« À transmettre par téléphone »).",
            )

    return _act(request, req, run)


@personal_data
@require_POST
@login_required
def mark_phoned(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    orientation = get_object_or_404(Orientation, pk=pk, request=req)
    form = PhonedForm(request.POST)
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data

    def run() -> None:
        transitions.mark_phoned(
            orientation=orientation, actor=request.user, note=data["note"], expected_version=data["version"]
        )
        messages.success(request, f"C'est noté : la demande a été transmise à {orientation.place.name} par téléphone.")

    return _act(request, req, run)


@personal_data
@require_POST
@login_required
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data
    return _act(
        request,
        req,
        lambda: transitions.add_note(
            request=req, actor=request.user, note=data["note"], expected_version=data["version"]
        ),
    )


@personal_data
@require_POST
@login_required
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    form = AssignForm(request.POST, people=_people())
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data
    return _act(
        request,
        req,
        lambda: transitions.assign(
            request=req, actor=request.user, assignee=data["assignee"], expected_version=data["version"]
        ),
    )


@personal_data
@require_POST
@login_required
def close(request: HttpRequest, reference: str) -> HttpResponse:
    req = access.get_request_for_coordinator(request.user, reference)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, req, form)
    data = form.cleaned_data
    return _act(
        request,
        req,
        lambda: transitions.close(
            request=req,
            actor=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        ),
    )


@personal_data
@require_safe
@login_required
def search_person(request: HttpRequest) -> HttpResponse:
    """Find one person's requests by email or phone, to export or erase their data."""
    requests = access.requests_for_coordinator(request.user)
    query = request.GET.get("q", "").strip()[:200]
    found = []
    if query:
        found = privacy.find_person(requests.filter(anonymized_at__isnull=True), query)
    return render(request, "demandes/person.html", {"query": query, "found": found})


@personal_data
@require_safe
@login_required
def export_person(request: HttpRequest) -> HttpResponse:
    requests = access.requests_for_coordinator(request.user)
    query = request.GET.get("q", "").strip()[:200]
    found = privacy.find_person(requests.filter(anonymized_at__isnull=True), query) if query else []
    if not found:
        messages.error(request, "Aucune demande ne correspond à ce courriel ou à ce téléphone.")
        return redirect("demandes:person")
    for req in found:
        access.log_contact_view(req, viewer=request.user, context="export", ip=client_ip(request))
    response = JsonResponse(privacy.export(found), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
    return response


@personal_data
@require_POST
@login_required
def erase_person(request: HttpRequest) -> HttpResponse:
    requests = access.requests_for_coordinator(request.user)
    query = request.POST.get("q", "").strip()[:200]
    if request.POST.get("confirm") != "oui":
        messages.error(request, "Cochez la case de confirmation pour effacer ces données.")
        return redirect(reverse("demandes:person") + "?" + urlencode({"q": query}))
    found = privacy.find_person(requests.filter(anonymized_at__isnull=True), query) if query else []
    count = privacy.erase(requests=found, actor=request.user)
    messages.success(request, f"Données personnelles effacées de {count} demande{'s' if count > 1 else ''}.")
    return redirect("demandes:person")


@personal_data
@require_POST
@login_required
def new_link(request: HttpRequest, reference: str) -> HttpResponse:
    """The person called: give them a new tracking link (read out, or sent by SMS), and by email if they left one."""
    req = access.get_request_for_coordinator(request.user, reference)
    link = tracking.reissue_link(request=req, actor=request.user, email=bool(request.POST.get("email")))
    emailed = bool(request.POST.get("email")) and bool(req.contact_email) and req.anonymized_at is None
    return render(request, "demandes/new_link.html", {"req": req, "link": link, "emailed": emailed})
