"""Roadmap pages: public reading where the roadmap is published, building together for its members."""

import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aiguillage.lib import csvsafe
from aiguillage.lib.ods import write_ods
from aiguillage.page_cache import kept_for_the_public
from funding.models import Scheme
from library.models import Event, Resource
from roadmap import actions, charts, financing, indicators, odt
from roadmap.access import can_contribute, can_own, readable_roadmap, readable_sheet, require_contributor, require_owner
from roadmap.apps import PAGES_KEY
from roadmap.forms import (
    BudgetLineForm,
    CommentForm,
    DecisionForm,
    FundingLineForm,
    LinkForm,
    MeasurementForm,
    PartnerForm,
    ProposalForm,
    SheetFieldsForm,
    StepForm,
    SuggestedFundingForm,
    TransitionForm,
)
from roadmap.models import (
    ActionSheet,
    BudgetLine,
    Committee,
    FundingLine,
    FundingStatus,
    Indicator,
    Measurement,
    Proposal,
    ProposalStatus,
    Roadmap,
    SheetPartner,
    SheetStatus,
    Step,
)
from roadmap.sanitize import sanitize


def _sheets(roadmap: Roadmap):  # noqa: ANN202 - a prefetched ActionSheet queryset
    return (
        roadmap.sheets.select_related("axis", "pilot")
        .prefetch_related(
            "partners__organisation",
            "steps__owner",
            "budget_lines",
            Prefetch("funding_lines", queryset=FundingLine.objects.select_related("scheme")),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
            # What anyone may read of the library: published resources, and events the agenda lists.
            Prefetch(
                "resources",
                queryset=Resource.objects.published().order_by("title", "pk"),
                to_attr="published_resources",
            ),
            Prefetch(
                "events",
                queryset=Event.objects.listed().select_related("place").order_by("starts_at", "pk"),
                to_attr="listed_events",
            ),
        )
        .order_by("axis__position", "code")
    )


def _indicator_rows(sheet_indicators) -> list[dict]:  # noqa: ANN001
    rows = []
    for indicator in sheet_indicators:
        measures = sorted(indicator.measurements.all(), key=lambda m: (m.date, m.pk))
        latest = measures[-1] if measures else None
        rows.append(
            {
                "indicator": indicator,
                "measures": measures,
                "latest": latest,
                "progress": charts.progress(
                    baseline=indicator.baseline_value,
                    target=indicator.target_value,
                    latest=latest.value if latest else None,
                ),
                "computation": indicators.REGISTRY.get(indicator.computed),
                "description": indicators.describe(indicator.computed, indicator.parameters)
                if indicator.computed in indicators.REGISTRY
                else "",
                "live": indicators.compute(indicator.computed, indicator.parameters, timezone.localdate())
                if indicator.computed in indicators.REGISTRY
                else None,
                "chart": mark_safe(  # noqa: S308 - built from numbers and escaped text only
                    charts.indicator_chart(
                        title=indicator.label,
                        points=[charts.Point(m.date, m.value) for m in measures],
                        baseline=indicator.baseline_value,
                        target=indicator.target_value,
                        unit=indicator.unit,
                    )
                ),
            }
        )
    return rows


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    roadmaps = Roadmap.objects.annotate(sheet_count=Count("sheets")).order_by("title")
    if not can_contribute(request.user):
        roadmaps = roadmaps.filter(is_public=True)
    roadmaps = list(roadmaps)
    if len(roadmaps) == 1:
        return redirect(roadmaps[0])
    return render(request, "roadmap/index.html", {"roadmaps": roadmaps})


@require_safe
@kept_for_the_public(PAGES_KEY)
def roadmap_page(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    sheets = list(_sheets(roadmap))
    axes = [{"axis": axis, "sheets": [s for s in sheets if s.axis_id == axis.pk]} for axis in roadmap.axes.all()]
    context = {
        "roadmap": roadmap,
        "axes": axes,
        "committees": roadmap.committees.prefetch_related("decisions__sheets"),
        "can_contribute": can_contribute(request.user),
    }
    return render(request, "roadmap/roadmap.html", context)


@require_safe
@kept_for_the_public(PAGES_KEY)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    sheets = list(_sheets(roadmap))
    statuses = [
        {"status": label, "count": sum(1 for s in sheets if s.status == value)} for value, label in SheetStatus.choices
    ]
    by_axis = [{"axis": axis, "count": sum(1 for s in sheets if s.axis_id == axis.pk)} for axis in roadmap.axes.all()]
    money = []
    for sheet in sheets:
        planned = sum((line.amount for line in sheet.budget_lines.all()), Decimal("0"))
        obtained = sum(
            (f.amount_obtained for f in sheet.funding_lines.all() if f.status == FundingStatus.OBTAINED), Decimal("0")
        )
        requested = sum((f.amount_requested for f in sheet.funding_lines.all()), Decimal("0"))
        money.append({"sheet": sheet, "planned": planned, "requested": requested, "obtained": obtained})
    totals = {key: sum((row[key] for row in money), Decimal("0")) for key in ("planned", "requested", "obtained")}
    context = {
        "roadmap": roadmap,
        "statuses": statuses,
        "by_axis": by_axis,
        "money": money,
        "totals": totals,
        "sheet_indicators": [{"sheet": s, "rows": _indicator_rows(s.indicators.all())} for s in sheets],
    }
    return render(request, "roadmap/dashboard.html", context)


def _with_diffs(proposals) -> list[Proposal]:  # noqa: ANN001
    found = list(proposals)
    for proposal in found:
        proposal.diff = actions.proposal_diff(proposal)
    return found


@require_safe
@kept_for_the_public(PAGES_KEY)
def sheet_page(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    sheet = readable_sheet(request.user, slug, code)
    sheet = _sheets(sheet.roadmap).get(pk=sheet.pk)
    contributor = can_contribute(request.user)
    context = {
        "roadmap": sheet.roadmap,
        "sheet": sheet,
        "indicator_rows": _indicator_rows(sheet.indicators.all()),
        "decisions": sheet.decisions.select_related("committee"),
        "status_changes": sheet.status_changes.select_related("by"),
        "can_contribute": contributor,
        "can_own": can_own(request.user),
        "comments": sheet.comments.select_related("author") if contributor else [],
        "proposals": _with_diffs(
            sheet.proposals.filter(status=ProposalStatus.PENDING).select_related("author", "sheet")
        )
        if contributor
        else [],
        "transitions": [(s, SheetStatus(s).label) for s in actions.allowed_transitions(sheet)],
        "versions": sheet.versions.select_related("by") if contributor else [],
        "comment_form": CommentForm(),
        "measurement_form": MeasurementForm(initial={"date": timezone.localdate()}),
        "suggestions": financing.suggestions(sheet),
    }
    return render(request, "roadmap/sheet.html", context)


@require_POST
@login_required
def add_comment(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    require_contributor(request.user)
    sheet = readable_sheet(request.user, slug, code)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.comment(sheet, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Commentaire ajouté.")
    else:
        messages.error(request, "Le commentaire est vide ou trop long (4 000 caractères au plus).")
    return redirect(sheet.get_absolute_url() + "#commentaires")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def propose_change(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    require_contributor(request.user)
    sheet = readable_sheet(request.user, slug, code)
    form = ProposalForm(request.POST or None, instance=ActionSheet.objects.get(pk=sheet.pk))
    error = ""
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in ActionSheet.EDITABLE_FIELDS}
        try:
            actions.propose(sheet, author=request.user, changes=changes, explanation=form.cleaned_data["explanation"])
        except actions.RoadmapError as refused:
            error = str(refused)
        else:
            messages.success(request, "Proposition envoyée : la coordination l'acceptera ou la refusera avec une note.")
            return redirect(sheet.get_absolute_url() + "#propositions")
    status = 400 if (form.errors or error) else 200
    return render(request, "roadmap/propose.html", {"sheet": sheet, "form": form, "error": error}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    require_owner(request.user)
    sheet = readable_sheet(request.user, slug, code)
    form = SheetFieldsForm(request.POST or None, instance=ActionSheet.objects.get(pk=sheet.pk))
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in ActionSheet.EDITABLE_FIELDS}
        actions.edit_sheet(sheet, by=request.user, changes=changes, note="Modifiée par la coordination")
        messages.success(request, "Fiche enregistrée.")
        return redirect(sheet)
    return render(request, "roadmap/edit.html", {"sheet": sheet, "form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
def decide(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    require_owner(request.user)
    sheet = readable_sheet(request.user, slug, code)
    proposal = get_object_or_404(Proposal, pk=pk, sheet=sheet)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "accept":
            actions.accept_proposal(proposal, by=request.user, note=note)
            messages.success(request, "Proposition acceptée : une nouvelle version de la fiche est enregistrée.")
        elif request.POST.get("decision") == "reject":
            actions.reject_proposal(proposal, by=request.user, note=note)
            messages.success(request, "Proposition refusée ; son auteur voit votre note.")
        else:
            messages.error(request, "Choisissez « Accepter » ou « Refuser ».")
    except actions.RoadmapError as refused:
        messages.error(request, str(refused))
    return redirect(sheet.get_absolute_url() + "#propositions")


@require_POST
@login_required
def change_status(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    require_owner(request.user)
    sheet = readable_sheet(request.user, slug, code)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un nouvel état dans la liste.")
        return redirect(sheet)
    to, note = form.cleaned_data["to"], form.cleaned_data["note"]
    function = actions.TRANSITION_FUNCTIONS.get(to)
    try:
        if function is None:
            raise actions.RoadmapError("Une fiche ne revient pas à l'état d'idée.")
        if to in (SheetStatus.VALIDATED, SheetStatus.DONE, SheetStatus.ABANDONED):
            function(sheet, by=request.user, note=note)
        else:
            function(sheet, by=request.user)
    except actions.RoadmapError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"La fiche est maintenant « {SheetStatus(to).label.lower()} ».")
    return redirect(sheet)


@require_POST
@login_required
def add_measurement(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    require_owner(request.user)
    sheet = readable_sheet(request.user, slug, code)
    indicator = get_object_or_404(Indicator, pk=pk, sheet=sheet)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.record_measurement(
            indicator, value=data["value"], on=data["date"], source=data["source"], by=request.user
        )
        messages.success(request, "Mesure enregistrée.")
    else:
        messages.error(request, "Mesure refusée : indiquez une valeur (nombre), une date et une source.")
    return redirect(sheet.get_absolute_url() + "#indicateurs")


@require_safe
@login_required
def versions(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    require_contributor(request.user)
    sheet = readable_sheet(request.user, slug, code)
    all_versions = list(sheet.versions.select_related("by"))
    numbers = [v.number for v in all_versions]
    try:
        a = int(request.GET.get("de", numbers[0] if numbers else 1))
        b = int(request.GET.get("a", numbers[-1] if numbers else 1))
    except ValueError:
        a, b = (numbers[0], numbers[-1]) if numbers else (1, 1)
    left = next((v for v in all_versions if v.number == a), None)
    right = next((v for v in all_versions if v.number == b), None)
    diffs = []
    if left and right:
        for field in ActionSheet.EDITABLE_FIELDS:
            before, after = left.data.get(field, ""), right.data.get(field, "")
            if before != after:
                lines = list(difflib.ndiff(before.splitlines() or [""], after.splitlines() or [""]))
                diffs.append(
                    {
                        "label": ActionSheet._meta.get_field(field).verbose_name,
                        "removed": [line[2:] for line in lines if line.startswith("- ")],
                        "added": [line[2:] for line in lines if line.startswith("+ ")],
                    }
                )
        for key, label in actions.CONTENT_SECTIONS.items():
            # Versions kept before these sections were recorded lack them: nothing is said rather than a false diff.
            if key not in left.data or key not in right.data:
                continue
            before_rows, after_rows = left.data[key], right.data[key]
            removed = [row for row in before_rows if row not in after_rows]
            added = [row for row in after_rows if row not in before_rows]
            if removed or added:
                diffs.append({"label": label, "removed": removed, "added": added})
    context = {"sheet": sheet, "versions": all_versions, "left": left, "right": right, "diffs": diffs}
    return render(request, "roadmap/versions.html", context)


@require_safe
def print_view(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    sheets = list(_sheets(roadmap))
    context = {
        "roadmap": roadmap,
        "sheets": [{"sheet": s, "rows": _indicator_rows(s.indicators.all())} for s in sheets],
    }
    return render(request, "roadmap/print.html", context)


def _base_url(request: HttpRequest) -> str:
    """The site's address, so that links in a downloaded document lead back here."""
    return request.build_absolute_uri("/").rstrip("/")


def _odt_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=odt.MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def roadmap_odt(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    return _odt_response(odt.roadmap_odt(roadmap, _sheets(roadmap), _base_url(request)), f"{roadmap.slug}.odt")


@require_safe
def sheet_odt(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    sheet = readable_sheet(request.user, slug, code)
    return _odt_response(
        odt.sheet_odt(_sheets(sheet.roadmap).get(pk=sheet.pk), _base_url(request)),
        f"{sheet.roadmap.slug}-{sheet.code}.odt",
    )


INDICATOR_HEADER = [
    "Fiche",
    "Indicateur",
    "Unité",
    "Sens",
    "Départ",
    "Date de départ",
    "Cible",
    "Échéance",
    "Valeur",
    "Date",
    "Source",
]


def _indicator_table(roadmap: Roadmap) -> list[list]:
    rows = []
    measurements = Measurement.objects.filter(indicator__sheet__roadmap=roadmap).select_related("indicator__sheet")
    for m in measurements.order_by("indicator__sheet__code", "indicator__pk", "date"):
        i = m.indicator
        rows.append(
            [
                i.sheet.code,
                i.label,
                i.unit,
                i.get_direction_display(),
                i.baseline_value,
                i.baseline_date.isoformat() if i.baseline_date else "",
                i.target_value,
                i.target_date.isoformat() if i.target_date else "",
                m.value,
                m.date.isoformat(),
                m.source,
            ]
        )
    return rows


@require_safe
def indicators_export(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    rows = _indicator_table(roadmap)
    if extension == "csv":
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)
        writer.writerow(INDICATOR_HEADER)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif extension == "ods":
        cells = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]
        response = HttpResponse(
            write_ods(INDICATOR_HEADER, cells, sheet="Indicateurs"),
            content_type="application/vnd.oasis.opendocument.spreadsheet",
        )
    else:
        raise Http404("Format inconnu")
    response["Content-Disposition"] = f'attachment; filename="{roadmap.slug}-indicateurs.{extension}"'
    return response


@require_safe
def committee_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    committee = get_object_or_404(Committee.objects.prefetch_related("decisions__sheets"), pk=pk, roadmap=roadmap)
    context = {"roadmap": roadmap, "committee": committee, "minutes": mark_safe(sanitize(committee.minutes))}  # noqa: S308
    return render(request, "roadmap/committee.html", context)


# Steps, budget, funding, partners and links: the coordination's pages, plain forms that work without JavaScript.


@dataclass(frozen=True)
class ContentKind:
    model: type
    form: type
    add: Callable
    edit: Callable
    remove: Callable
    anchor: str
    noun: str
    fields: tuple[str, ...]


CONTENT_KINDS = {
    "etapes": ContentKind(
        Step,
        StepForm,
        actions.add_step,
        actions.edit_step,
        actions.remove_step,
        "etapes",
        "l'étape",
        ("title", "start", "end", "owner", "status"),
    ),
    "budget": ContentKind(
        BudgetLine,
        BudgetLineForm,
        actions.add_budget_line,
        actions.edit_budget_line,
        actions.remove_budget_line,
        "budget",
        "la ligne de budget",
        ("year", "expense", "amount"),
    ),
    "financements": ContentKind(
        FundingLine,
        FundingLineForm,
        actions.add_funding_line,
        actions.edit_funding_line,
        actions.remove_funding_line,
        "financements",
        "le financement",
        ("scheme", "funder", "scheme_title", "amount_requested", "amount_obtained", "status"),
    ),
    "partenaires": ContentKind(
        SheetPartner,
        PartnerForm,
        actions.add_partner,
        actions.edit_partner,
        actions.remove_partner,
        "partenaires",
        "le partenaire",
        ("organisation", "role"),
    ),
}
REMOVED = {
    "etapes": "Étape retirée.",
    "budget": "Ligne de budget retirée.",
    "financements": "Financement retiré.",
    "partenaires": "Partenaire retiré.",
}
ADDED = {
    "etapes": "Étape ajoutée.",
    "budget": "Ligne de budget ajoutée.",
    "financements": "Financement ajouté.",
    "partenaires": "Partenaire ajouté.",
}


def _owned_sheet(request: HttpRequest, slug: str, code: str) -> ActionSheet:
    require_owner(request.user)
    sheet = readable_sheet(request.user, slug, code)
    return _sheets(sheet.roadmap).get(pk=sheet.pk)


def _kind(name: str) -> ContentKind:
    if name not in CONTENT_KINDS:
        raise Http404("Rubrique inconnue")
    return CONTENT_KINDS[name]


def _library_matches(sheet: ActionSheet, query: str) -> tuple[list[Resource], list[Event]]:
    """Published resources and listed events whose title holds the words typed, not yet linked; 10 of each."""
    words = query.split()
    if not words:
        return [], []
    resources = Resource.objects.published().exclude(action_sheets=sheet)
    events = Event.objects.listed().exclude(action_sheets=sheet)
    for word in words[:6]:
        resources = resources.filter(title__icontains=word)
        events = events.filter(title__icontains=word)
    return list(resources.order_by("title", "pk")[:10]), list(events.order_by("-starts_at", "pk")[:10])


def _content_page(
    request: HttpRequest, sheet: ActionSheet, *, bound: tuple[str, object] | None = None, error: str = ""
) -> HttpResponse:
    forms_by_kind = {name: kind.form(auto_id=f"{name}-%s") for name, kind in CONTENT_KINDS.items()}
    if bound is not None:
        forms_by_kind[bound[0]] = bound[1]
    query = request.GET.get("q", "").strip()[:100]
    resources, events = _library_matches(sheet, query)
    context = {
        "roadmap": sheet.roadmap,
        "sheet": sheet,
        "forms": forms_by_kind,
        "error": error,
        "error_kind": bound[0] if bound else "",
        "linked_resources": sheet.resources.order_by("title", "pk"),
        "linked_events": sheet.events.order_by("starts_at", "pk"),
        "query": query,
        "found_resources": resources,
        "found_events": events,
    }
    return render(request, "roadmap/content.html", context, status=400 if bound else 200)


@require_safe
@login_required
def content(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    return _content_page(request, _owned_sheet(request, slug, code))


@require_POST
@login_required
def add_content(request: HttpRequest, slug: str, code: str, kind: str) -> HttpResponse:
    sheet = _owned_sheet(request, slug, code)
    spec = _kind(kind)
    form = spec.form(request.POST, auto_id=f"{kind}-%s")
    if not form.is_valid():
        return _content_page(request, sheet, bound=(kind, form))
    try:
        spec.add(sheet, by=request.user, **form.cleaned_data)
    except actions.RoadmapError as refused:
        return _content_page(request, sheet, bound=(kind, form), error=str(refused))
    messages.success(request, ADDED[kind])
    return redirect(reverse("roadmap:content", args=[slug, code]) + f"#{spec.anchor}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_content(request: HttpRequest, slug: str, code: str, kind: str, pk: int) -> HttpResponse:
    sheet = _owned_sheet(request, slug, code)
    spec = _kind(kind)
    row = get_object_or_404(spec.model, pk=pk, sheet=sheet)
    initial = {field: getattr(row, field) for field in spec.fields}
    form = spec.form(request.POST or None, initial=initial)
    if isinstance(row, FundingLine) and row.scheme_id:
        # The line's scheme stays choosable even if it has left the catalogue since.
        form.fields["scheme"].queryset = Scheme.objects.filter(
            Q(pk=row.scheme_id) | Q(pk__in=Scheme.objects.public())
        ).order_by("title")
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            spec.edit(row, by=request.user, **form.cleaned_data)
        except actions.RoadmapError as refused:
            error = str(refused)
        else:
            messages.success(request, "Modification enregistrée.")
            return redirect(reverse("roadmap:content", args=[slug, code]) + f"#{spec.anchor}")
    context = {"roadmap": sheet.roadmap, "sheet": sheet, "form": form, "error": error, "noun": spec.noun, "kind": kind}
    return render(request, "roadmap/content_edit.html", context, status=400 if (form.errors or error) else 200)


@require_POST
@login_required
def remove_content(request: HttpRequest, slug: str, code: str, kind: str, pk: int) -> HttpResponse:
    sheet = _owned_sheet(request, slug, code)
    spec = _kind(kind)
    row = get_object_or_404(spec.model, pk=pk, sheet=sheet)
    spec.remove(row, by=request.user)
    messages.success(request, REMOVED[kind] + " La version précédente de la fiche en garde la trace.")
    return redirect(reverse("roadmap:content", args=[slug, code]) + f"#{spec.anchor}")


@require_POST
@login_required
def add_suggested_funding(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One step from "Financements possibles": the scheme and the amount asked become a funding line."""
    sheet = _owned_sheet(request, slug, code)
    form = SuggestedFundingForm(request.POST)
    if not form.is_valid():
        problem = form.errors.get("amount_requested") or ["Ce dispositif n'est plus au catalogue."]
        messages.error(request, f"Financement non ajouté : {problem[0]}")
        return redirect(sheet.get_absolute_url() + "#financements-possibles")
    scheme = form.cleaned_data["scheme"]
    try:
        actions.add_funding_from_scheme(
            sheet, by=request.user, scheme=scheme, amount_requested=form.cleaned_data["amount_requested"]
        )
    except actions.RoadmapError as refused:
        messages.error(request, f"Financement non ajouté : {refused}")
        return redirect(sheet.get_absolute_url() + "#financements-possibles")
    messages.success(request, f"Financement « {scheme.title} » ajouté à la fiche, à l'état « demandé ».")
    return redirect(sheet.get_absolute_url() + "#financements")


@require_POST
@login_required
def link(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    sheet = _owned_sheet(request, slug, code)
    form = LinkForm(request.POST)
    back = reverse("roadmap:content", args=[slug, code]) + "#ressources"
    if not form.is_valid():
        messages.error(request, "Choisissez une ressource ou un événement dans la liste.")
        return redirect(back)
    data = form.cleaned_data
    model = Resource if data["kind"] == "resource" else Event
    target = get_object_or_404(model, pk=data["pk"])
    function = {
        ("resource", "link"): actions.link_resource,
        ("resource", "unlink"): actions.unlink_resource,
        ("event", "link"): actions.link_event,
        ("event", "unlink"): actions.unlink_event,
    }[(data["kind"], data["operation"])]
    try:
        function(sheet, by=request.user, **{data["kind"]: target})
    except actions.RoadmapError as refused:
        messages.error(request, str(refused))
    else:
        linked = {"link": "est liée à la fiche", "unlink": "n'est plus liée à la fiche"}[data["operation"]]
        if data["kind"] == "event":
            linked = linked.replace("liée", "lié")
        messages.success(request, f"« {target.title} » {linked}.")
    return redirect(back)
