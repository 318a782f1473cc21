from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from observatory.access import require_observer
from observatory.forms import CoverageForm, bound
from observatory.pages import coverage_page, query_string
from observatory.views.common import render_page


def coverage_query(data: dict) -> str:
    return query_string(
        {
            "sujet": f"{data['sujet'].vocabulary}:{data['sujet'].code}",
            "territoire": data["territoire"],
            "confirmes": "on" if data["confirmes"] else "",
            "france": "on" if data["france"] else "",
        }
    )


@require_safe
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_observer(request.user)
    form = bound(CoverageForm, request.GET)
    if not form.is_valid():
        return render_page(
            request, "observatory/coverage.html", {"form": form, "page": None}, current="coverage", status=400
        )
    data = form.cleaned_data
    page = coverage_page(
        data["sujet"],
        epci_siren=data["territoire"],
        confirmed_only=data["confirmes"],
        france=data["france"],
        query=coverage_query(data),
    )
    return render_page(
        request, "observatory/coverage.html", {"form": form, "page": page, "term": data["sujet"]}, current="coverage"
    )
