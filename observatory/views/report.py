from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from observatory.access import require_observer
from observatory.exports import report_odt
from observatory.forms import PeriodForm, WhatIfForm, bound
from observatory.pages import Page, query_string, report_page
from observatory.views.common import render_page
from observatory.views.whatif import whatif_query

TITLE = "Observatoire : rapport pour le comité de pilotage"


def _whatif_arguments(data: dict) -> dict:
    return {
        "term": data["sujet"],
        "k": data["k"],
        "among": data["parmi"],
        "objective": data["objectif"],
        "radius": float(data["rayon"]),
        "chosen": data["choix"],
        "confirmed_only": data["confirmes"],
    }


def _build(request: HttpRequest) -> tuple[Page | None, dict, int]:
    require_observer(request.user)
    period_form = PeriodForm(request.GET)
    whatif_form = bound(WhatIfForm, request.GET)
    context: dict = {"period_form": period_form, "form": whatif_form, "page": None}
    if not (period_form.is_valid() and whatif_form.is_valid()):
        return None, context, 400
    period = period_form.cleaned_data["period"]
    query = "&".join(
        part
        for part in (
            query_string({key: request.GET.get(key, "") for key in ("du", "au")}),
            whatif_query(whatif_form.cleaned_data),
        )
        if part
    )
    page = report_page(period, _whatif_arguments(whatif_form.cleaned_data), query)
    context.update(page=page, period=period, query=query, made_on=timezone.localdate())
    return page, context, 200


@require_safe
@login_required
def report(request: HttpRequest) -> HttpResponse:
    _, context, status = _build(request)
    return render_page(request, "observatory/report.html", context, current="report", status=status)


@require_safe
@login_required
def report_odt_view(request: HttpRequest) -> HttpResponse:
    page, context, status = _build(request)
    if page is None:
        return HttpResponse(
            "Paramètres invalides : ouvrez le rapport depuis sa page.",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    simulation = page.extra["simulation"]
    blocks: list = [
        ("p", f"Établi le {context['made_on']:%d/%m/%Y}. Demandes reçues {context['period'].label}."),
        ("h2", "Couverture des machines citées par le comité"),
        ("p", "Distance de chaque commune au lieu ouvert le plus proche qui a la machine."),
        ("table", page.sections["machines"].table),
        ("h2", "Besoins non couverts"),
        ("p", page.extra["privacy_note"]),
        ("table", page.sections["besoins"].table),
    ]
    if simulation is None:
        blocks += [("h2", "Simulation"), ("p", f"Simulation impossible : {page.extra['problem']}")]
    else:
        term = simulation.extra["instance"].term
        blocks += [
            ("h2", f"Simulation : où ajouter {term.label.lower()} ?"),
            ("table", page.sections["simulation_comparaison"].table),
            ("table", page.sections["simulation_lieux"].table),
        ]
    response = HttpResponse(report_odt(TITLE, blocks), content_type="application/vnd.oasis.opendocument.text")
    response["Content-Disposition"] = 'attachment; filename="observatoire-rapport.odt"'
    return response
