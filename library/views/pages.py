"""The disability kit, the search across the library, the moderation queue, contributions and history."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from aiguillage.lib.dates import add_months
from directory.models import Place, PlaceStatus, Term, Vocabulary
from library import access
from library.actions import ActionRefused
from library.actions import resources as resource_actions
from library.forms import HandleReportForm, SearchForm
from library.history import changes_of
from library.models import (
    TOOL_FORMATS,
    AnswerSheet,
    Collection,
    Event,
    EventStatus,
    Resource,
    ResourceReport,
    ResourceStatus,
    SheetStatus,
    Theme,
    WatchPost,
)
from library.search import Filters, search

SEARCH_PAGE_SIZE = 20


@require_safe
def disability_kit(request: HttpRequest) -> HttpResponse:
    """One page for disability needs, built from the vocabularies everything else uses: kit themes and the
    directory's accessibility codes; no separate list to keep."""
    themes = list(Theme.objects.filter(disability_kit=True, active=True))
    in_kit = Resource.objects.published().filter(themes__in=themes).distinct().for_cards()
    codes = list(Term.objects.filter(vocabulary=Vocabulary.ACCESSIBILITY))
    open_places = Place.objects.filter(
        status=PlaceStatus.OPEN, commune__departement__code__in=settings.TERRITORY_DEPARTEMENTS
    )
    place_counts = dict(
        Place.accessibility.through.objects.filter(place__in=open_places)
        .values_list("term_id")
        .annotate(count=Count("place_id", distinct=True))
        .values_list("term_id", "count")
    )
    by_code: dict[int, list[Resource]] = {term.pk: [] for term in codes}
    tagged = (
        Resource.objects.published()
        .filter(accessibility__in=codes)
        .prefetch_related(Prefetch("accessibility", queryset=Term.objects.filter(vocabulary=Vocabulary.ACCESSIBILITY)))
        .distinct()
    )
    for resource in tagged:
        for term in resource.accessibility.all():
            by_code.setdefault(term.pk, []).append(resource)
    kit_resources = list(in_kit)
    context = {
        "themes": themes,
        "tools": [resource for resource in kit_resources if resource.format in TOOL_FORMATS],
        "readings": [resource for resource in kit_resources if resource.format not in TOOL_FORMATS],
        "codes": [
            {
                "term": term,
                "resources": by_code.get(term.pk, []),
                "place_count": place_counts.get(term.pk, 0),
                "search_url": f"{reverse('directory:results')}?accessibilite={term.code}",
            }
            for term in codes
        ],
        "places": Place.objects.filter(status=PlaceStatus.OPEN, library_resources__in=kit_resources)
        .select_related("commune")
        .distinct()
        .order_by("name")[:20],
        "sheets": AnswerSheet.objects.published().filter(themes__in=themes).distinct(),
        "events": Event.objects.listed().upcoming().filter(themes__in=themes).distinct().for_list()[:5],
    }
    return render(request, "library/kit.html", context)


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict = {"form": form, "page": None, "words": []}
    if not form.is_bound:
        return render(request, "library/search.html", context)
    if not form.is_valid():
        return render(request, "library/search.html", context, status=400)
    data = form.cleaned_data
    outcome = search(
        Filters(
            q=data["q"],
            kind=data["type"],
            theme=data["theme"],
            audience=data["public"],
            format=data["format"],
            easy_read=data["falc"],
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=Paginator(outcome.hits, SEARCH_PAGE_SIZE).get_page(request.GET.get("page")),
        words=outcome.words,
        query_string=query.urlencode(),
        total=len(outcome.hits),
    )
    return render(request, "library/search.html", context)


@require_safe
@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    access.require_moderator(request.user)
    context = {
        "resources": Resource.objects.filter(status=ResourceStatus.DRAFT).select_related("created_by"),
        "events": Event.objects.filter(status=EventStatus.DRAFT).select_related("created_by", "place__commune"),
        "sheets": AnswerSheet.objects.filter(status=SheetStatus.TO_REVIEW).select_related("created_by"),
        "reports": ResourceReport.objects.pending().select_related("resource", "reporter"),
        "report_form": HandleReportForm(),
        "due_sheets": AnswerSheet.objects.published()
        .filter(reviewed_on__lte=add_months(timezone.localdate(), -settings.LIBRARY_SHEET_REVIEW_MONTHS))
        .select_related("reviewer"),
    }
    return render(request, "library/moderation/queue.html", context)


@require_safe
@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    access.require_contributor(request.user)
    user = request.user
    context = {
        "resources": Resource.objects.filter(created_by=user).order_by("-created_at"),
        "events": Event.objects.filter(created_by=user).order_by("-starts_at"),
        "sheets": AnswerSheet.objects.filter(created_by=user).order_by("question"),
        "posts": WatchPost.objects.filter(author=user).order_by("-created_at")[:20],
        "collections": Collection.objects.filter(owner=user),
        "can_moderate": access.can_moderate(user),
    }
    return render(request, "library/moderation/mine.html", context)


HISTORY_TARGETS = {"ressource": Resource, "evenement": Event, "fiche": AnswerSheet}


@require_safe
@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = HISTORY_TARGETS.get(kind)
    if model is None:
        raise Http404
    target = get_object_or_404(model, pk=pk)
    if not access.can_edit(request.user, target):
        raise Http404
    return render(
        request,
        "library/history.html",
        {"target": target, "changes": changes_of(target), "back": target.get_absolute_url()},
    )


@require_POST
@login_required
def handle_report(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_moderator(request.user)
    report = get_object_or_404(ResourceReport, pk=pk)
    form = HandleReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez : corrigé ou écarté.")
        return redirect("library:moderation")
    try:
        resource_actions.handle_report(
            report=report,
            actor=request.user,
            resolved=form.cleaned_data["outcome"] == "resolved",
            response=form.cleaned_data["response"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Signalement traité.")
    return redirect("library:moderation")
