from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from observatory.access import require_observer
from observatory.forms import PeriodForm
from observatory.pages import dashboard_page, query_string, unmet_page
from observatory.views.common import render_page


def _period(request: HttpRequest) -> tuple[PeriodForm, str]:
    form = PeriodForm(request.GET)
    query = query_string({key: request.GET.get(key, "") for key in ("du", "au")}) if form.is_valid() else ""
    return form, query


@require_safe
@login_required
def requests_dashboard(request: HttpRequest) -> HttpResponse:
    audience = require_observer(request.user)
    form, query = _period(request)
    if not form.is_valid():
        return render_page(
            request, "observatory/requests.html", {"form": form, "page": None}, current="requests", status=400
        )
    period = form.cleaned_data["period"]
    context = {"form": form, "page": dashboard_page(period, audience, query), "period": period}
    return render_page(request, "observatory/requests.html", context, current="requests")


@require_safe
@login_required
def unmet(request: HttpRequest) -> HttpResponse:
    audience = require_observer(request.user)
    form, query = _period(request)
    if not form.is_valid():
        return render_page(request, "observatory/unmet.html", {"form": form, "page": None}, current="unmet", status=400)
    period = form.cleaned_data["period"]
    context = {"form": form, "page": unmet_page(period, audience, query), "period": period}
    return render_page(request, "observatory/unmet.html", context, current="unmet")
