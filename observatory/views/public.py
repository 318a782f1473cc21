from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from aiguillage.page_cache import kept_for_the_public
from observatory.apps import PAGES_KEY
from observatory.forms import SummaryForm
from observatory.pages import named_machines, query_string, summary_page
from observatory.views.common import render_page


@require_safe
@login_not_required
@kept_for_the_public(PAGES_KEY)
def summary(request: HttpRequest) -> HttpResponse:
    """The public page: how far each commune is from the machines the committee named."""
    machines = named_machines()
    form = SummaryForm(request.GET, machines=machines)
    if not form.is_valid():
        return render_page(
            request, "observatory/summary.html", {"form": form, "page": None}, current="summary", status=400
        )
    machine = form.cleaned_data["machine"]
    query = query_string({"machine": machine.code}) if machine else ""
    page = summary_page(machine, query)
    context = {"form": form, "page": page, "machine": machine, "machines": machines}
    return render_page(request, "observatory/summary.html", context, current="summary")
