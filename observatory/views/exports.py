"""Every table of the observatory as CSV or ODS, built by the page it belongs to, with the same parameters."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from observatory.access import Audience, audience_of
from observatory.exports import table_csv, table_ods
from observatory.forms import CoverageForm, PeriodForm, SummaryForm, WhatIfForm, bound
from observatory.pages import Page, coverage_page, dashboard_page, named_machines, summary_page, unmet_page
from observatory.views.coverage import coverage_query
from observatory.views.whatif import build as build_whatif
from observatory.whatif import ScenarioError

FORMATS = {
    "csv": ("text/csv; charset=utf-8", table_csv),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", table_ods),
}


class BadInput(Exception):
    pass


def _observer(audience: Audience) -> None:
    if audience is Audience.PUBLIC:
        raise PermissionDenied


def _period(request: HttpRequest) -> object:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise BadInput
    return form.cleaned_data["period"]


def _requests(request: HttpRequest, audience: Audience) -> Page:
    _observer(audience)
    return dashboard_page(_period(request), audience, "")


def _unmet(request: HttpRequest, audience: Audience) -> Page:
    _observer(audience)
    return unmet_page(_period(request), audience, "")


def _coverage(request: HttpRequest, audience: Audience) -> Page:
    if "sujet" not in request.GET:
        # The public page's tables: one of the machines the committee named.
        form = SummaryForm(request.GET, machines=named_machines())
        if not form.is_valid():
            raise BadInput
        return summary_page(form.cleaned_data["machine"], "")
    _observer(audience)
    form = bound(CoverageForm, request.GET)
    if not form.is_valid():
        raise BadInput
    data = form.cleaned_data
    return coverage_page(
        data["sujet"],
        epci_siren=data["territoire"],
        confirmed_only=data["confirmes"],
        france=data["france"],
        query=coverage_query(data),
    )


def _whatif(request: HttpRequest, audience: Audience) -> Page:
    _observer(audience)
    form = bound(WhatIfForm, request.GET)
    if not form.is_valid():
        raise BadInput
    try:
        return build_whatif(form.cleaned_data)
    except ScenarioError:
        raise BadInput from None


PAGES: dict[str, Callable[[HttpRequest, Audience], Page]] = {
    "besoins": _requests,
    "publics": _requests,
    "intercommunalites": _requests,
    "mois": _requests,
    "delais": _requests,
    "delai-orientation": _requests,
    "issues": _requests,
    "besoins-non-couverts": _requests,
    "fraicheur": _requests,
    "non-couverts-communes": _unmet,
    "machines": _coverage,
    "couverture-communes": _coverage,
    "couverture-zones": _coverage,
    "couverture-lieux": _coverage,
    "couverture-france": _coverage,
    "simulation": _whatif,
    "simulation-lieux": _whatif,
}


@require_safe
@login_not_required
def export(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """Public for the public page's tables; the others check who asks, as their page does."""
    if slug not in PAGES or extension not in FORMATS:
        raise Http404
    try:
        page = PAGES[slug](request, audience_of(request.user))
    except BadInput:
        return HttpResponse(
            "Paramètres invalides : téléchargez le tableau depuis sa page.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = page.table(slug)
    if table is None:
        raise Http404
    content_type, write = FORMATS[extension]
    response = HttpResponse(write(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="observatoire-{slug}.{extension}"'
    return response
