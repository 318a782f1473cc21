from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from observatory.access import require_observer
from observatory.forms import WhatIfForm, bound
from observatory.pages import query_string, whatif_page
from observatory.views.common import render_page
from observatory.whatif import ScenarioError


def whatif_query(data: dict) -> str:
    return query_string(
        {
            "sujet": f"{data['sujet'].vocabulary}:{data['sujet'].code}",
            "k": data["k"],
            "parmi": data["parmi"],
            "objectif": data["objectif"],
            "rayon": data["rayon"],
            "choix": ", ".join(data["choix"]),
            "confirmes": "on" if data["confirmes"] else "",
        }
    )


def build(data: dict) -> object:
    return whatif_page(
        data["sujet"],
        k=data["k"],
        among=data["parmi"],
        objective=data["objectif"],
        radius=float(data["rayon"]),
        chosen=data["choix"],
        confirmed_only=data["confirmes"],
        query=whatif_query(data),
    )


@require_safe
@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    require_observer(request.user)
    form = bound(WhatIfForm, request.GET)
    context: dict = {"form": form, "page": None, "problem": ""}
    if not form.is_valid():
        return render_page(request, "observatory/whatif.html", context, current="whatif", status=400)
    try:
        context["page"] = build(form.cleaned_data)
    except ScenarioError as problem:
        context["problem"] = str(problem)
        return render_page(request, "observatory/whatif.html", context, current="whatif", status=400)
    context["report_query"] = whatif_query(form.cleaned_data)
    return render_page(request, "observatory/whatif.html", context, current="whatif")
