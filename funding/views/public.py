"""Public pages: the search, a scheme, and the search's results as a spreadsheet. No login, no JavaScript."""

import io

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aiguillage.lib import csvsafe
from aiguillage.lib.ods import write_ods
from funding import access, catalogue, ical, search
from funding.forms import paths
from funding.models import FunderLevel, Scheme, SchemeStatus
from funding_match import describe, state
from funding_match.calendar import PAST, usual_window
from funding_match.engine import amount_label

EXPORT_COLUMNS = [
    "Intitulé",
    "Résumé",
    "Financeurs",
    "Périmètre",
    "Nature",
    "Programmes",
    "Montant",
    "État",
    "Prochaine clôture",
    "Pourquoi",
    "À vérifier",
    "Source",
    "Fiche",
]


def _context(request: HttpRequest) -> tuple[dict, int]:
    snapshot = catalogue.current()
    form = search.bound_form(request.GET, snapshot)
    context: dict = {"form": form, "outcome": None, "snapshot": snapshot}
    if not form.is_valid():
        context["search_form"] = form.html()
        return context, 400
    outcome = search.run(form, snapshot)
    params = request.GET.copy()
    params.pop("page", None)
    if outcome.commune is not None:
        params.pop("ou", None)
        params["commune"] = outcome.commune.code
    context.update(
        paths=paths(),
        outcome=outcome,
        query_string=params.urlencode(),
        search_form=form.html(outcome.commune.name if outcome.commune else ""),
    )
    return context, 200


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "funding/search.html", context, status=status)


def _rows(request: HttpRequest) -> list[list[str]] | None:
    snapshot = catalogue.current()
    form = search.bound_form(request.GET, snapshot)
    if not form.is_valid():
        return None
    outcome = search.run(form, snapshot, everything=True)
    rows = []
    for found, card in outcome.results:
        status = "Clôturé" if found.state == PAST else ("Ouvert" if found.state == "open" else "À venir")
        rows.append(
            [
                card.title,
                card.summary,
                ", ".join(name for name, _, _ in card.funders),
                card.perimeter,
                ", ".join(card.kinds),
                ", ".join(card.programmes),
                card.amount,
                status,
                found.deadline.isoformat() if found.deadline else "",
                found.reason,
                "oui" if card.needs_check else "non",
                card.source_url,
                request.build_absolute_uri(card.url),
            ]
        )
    return rows


@require_safe
def results_csv(request: HttpRequest) -> HttpResponse:
    rows = _rows(request)
    if rows is None:
        return HttpResponse(
            "Recherche invalide : vérifiez les paramètres.", status=400, content_type="text/plain; charset=utf-8"
        )
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csvsafe.writer(buffer, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="financements.csv"'
    return response


@require_safe
def results_ods(request: HttpRequest) -> HttpResponse:
    rows = _rows(request)
    if rows is None:
        return HttpResponse(
            "Recherche invalide : vérifiez les paramètres.", status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(
        write_ods(EXPORT_COLUMNS, rows, sheet="Financements"),
        content_type="application/vnd.oasis.opendocument.spreadsheet",
    )
    response["Content-Disposition"] = 'attachment; filename="financements.ods"'
    return response


def _scheme(request: HttpRequest, pk: int, slug: str | None) -> Scheme | HttpResponse:
    scheme = access.get_scheme_for_reading(request.user, pk)
    if slug is not None and slug != scheme.slug:
        return HttpResponseRedirect(scheme.get_absolute_url())
    return scheme


@require_safe
def scheme_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    found = _scheme(request, pk, slug)
    if isinstance(found, HttpResponse):
        return found
    scheme = found
    if slug is None:
        return HttpResponseRedirect(scheme.get_absolute_url())
    snapshot = catalogue.current()
    today = snapshot.today
    facts = catalogue.facts_of(Scheme.objects.prefetch_related(*catalogue.PREFETCH).get(pk=scheme.pk), snapshot.terms)
    related = Scheme.objects.prefetch_related("funders", "programmes", "kinds", "beneficiaries", "themes", "expenses")
    scheme = related.select_related("parent", "organisation").get(pk=scheme.pk)
    card = snapshot.cards.get(scheme.pk)
    current = state(facts.schedule, today) if scheme.status == SchemeStatus.PUBLISHED else PAST
    context = {
        "scheme": scheme,
        "funders": [(funder, FunderLevel(funder.level).label) for funder in scheme.funders.all()],
        "perimeter": card.perimeter if card else _perimeter_label(scheme),
        "amount": amount_label(facts),
        "when": describe(facts.schedule, today) if scheme.status == SchemeStatus.PUBLISHED else "",
        "usual_window": usual_window(facts.schedule),
        "state": current,
        "parent": scheme.parent if scheme.parent and scheme.parent.is_public else None,
        "local_versions": list(scheme.local_versions.public().order_by("title")),
        "can_edit": access.can_edit(request.user, scheme),
    }
    return render(request, "funding/scheme.html", context)


def _perimeter_label(scheme: Scheme) -> str:
    from funding.places import AreaLabels
    from funding_match.perimeter import Area

    areas = [Area(area.kind, area.code) for area in scheme.areas.all()]
    return AreaLabels(areas).perimeter(areas) or "non précisé"


@require_safe
def scheme_calendar(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    found = _scheme(request, pk, slug)
    if isinstance(found, HttpResponse):
        return found
    snapshot = catalogue.current()
    scheme = Scheme.objects.prefetch_related(*catalogue.PREFETCH).get(pk=found.pk)
    facts = catalogue.facts_of(scheme, snapshot.terms)
    body = ical.calendar_of([(facts, scheme.get_absolute_url())], name=scheme.title, today=snapshot.today)
    return ical.response(body, filename=f"{scheme.slug}.ics")
