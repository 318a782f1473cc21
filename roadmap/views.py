"""Roadmap pages: public reading where the roadmap is published, building together for its members."""

import difflib
import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aiguillage.lib import csvsafe
from aiguillage.lib.ods import write_ods
from roadmap import actions, charts, indicators, odt
from roadmap.access import can_contribute, can_own, readable_roadmap, readable_sheet, require_contributor, require_owner
from roadmap.forms import CommentForm, DecisionForm, MeasurementForm, ProposalForm, SheetFieldsForm, TransitionForm
from roadmap.models import (
    ActionSheet,
    Committee,
    FundingStatus,
    Indicator,
    Measurement,
    Proposal,
    ProposalStatus,
    Roadmap,
    SheetStatus,
)
from roadmap.sanitize import sanitize


def _sheets(roadmap: Roadmap):  # noqa: ANN202 - a prefetched ActionSheet queryset
    return (
        roadmap.sheets.select_related("axis", "pilot")
        .prefetch_related(
            "partners__organisation",
            "steps__owner",
            "budget_lines",
            "funding_lines",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
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


def _odt_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=odt.MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def roadmap_odt(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = readable_roadmap(request.user, slug)
    return _odt_response(odt.roadmap_odt(roadmap, _sheets(roadmap)), f"{roadmap.slug}.odt")


@require_safe
def sheet_odt(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    sheet = readable_sheet(request.user, slug, code)
    return _odt_response(
        odt.sheet_odt(_sheets(sheet.roadmap).get(pk=sheet.pk)), f"{sheet.roadmap.slug}-{sheet.code}.odt"
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
