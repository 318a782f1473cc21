"""Open data: whole-directory exports, search results for office users, and the embeddable widget."""

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from aiguillage.lib.ods import write_ods
from directory.forms import SearchForm
from directory.importers.files import export_file
from directory.importers.registry import FORMATS
from directory.models import Place, PlaceStatus
from directory.search import SearchQuery, all_terms, search
from territory.lookup import resolve_commune

BFC_SOURCE = "mednum-bfc"
OPEN_DATA_STATS_KEY = "directory:open-data-stats"
EXPORT_ROWS_MAX = 5000


@dataclass(frozen=True)
class Export:
    slug: str
    format_name: str
    label: str
    content_type: str
    extension: str


EXPORTS = [
    Export("lieux-aiguillage", "native", "Format aiguillage, complet (JSON)", "application/json", "json"),
    Export("lieux-mednum", "mednum-csv", "Schéma des lieux de médiation numérique v1.0.2 (CSV)", "text/csv", "csv"),
    Export(
        "lieux-mednum-json",
        "mednum-json",
        "Schéma des lieux de médiation numérique v1.0.2 (JSON)",
        "application/json",
        "json",
    ),
    Export(
        "lieux-data-inclusion",
        "data-inclusion",
        "data·inclusion v1, structures et services (JSON)",
        "application/json",
        "json",
    ),
    Export("lieux", "geojson", "GeoJSON (carte)", "application/geo+json", "geojson"),
]
PERIMETERS = {
    "tout": ("Tous les lieux", "ODbL 1.0 (dérivé de MedNum BFC)", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "contributions": (
        "Contributions du territoire seulement",
        "Licence Ouverte 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
}


def _available() -> list[Export]:
    writable = set(FORMATS.writable())
    return [export for export in EXPORTS if export.format_name in writable]


def _perimeter(name: str) -> QuerySet:
    places = Place.objects.all()
    return places.exclude(source=BFC_SOURCE) if name == "contributions" else places


def _open_data_stats() -> tuple[dict, int]:
    """Count and last update of each perimeter, and the MedNum BFC count: five passes over the whole table,
    kept a minute (the page is public; a minute's delay on a count is harmless)."""
    return cache.get_or_set(OPEN_DATA_STATS_KEY, _count_open_data, timeout=60)


def _count_open_data() -> tuple[dict, int]:
    stats = {}
    for name in PERIMETERS:
        for public_only in (False, True):
            places = _perimeter(name)
            if public_only:
                # Open-data formats leave out places closed for good.
                places = places.exclude(status=PlaceStatus.CLOSED)
            stats[name, public_only] = places.aggregate(count=Count("pk"), last=Max("updated_at"))
    return stats, Place.objects.filter(source=BFC_SOURCE).count()


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    stats, bfc_count = _open_data_stats()
    rows = [
        {
            "export": export,
            "perimeter": name,
            "label": PERIMETERS[name][0],
            "licence": PERIMETERS[name][1],
            "licence_url": PERIMETERS[name][2],
            "count": stats[name, FORMATS.get(export.format_name).public_only]["count"],
            "last": stats[name, FORMATS.get(export.format_name).public_only]["last"],
            "url": reverse("directory:export", kwargs={"slug": export.slug, "extension": export.extension})
            + ("?perimetre=contributions" if name == "contributions" else ""),
        }
        for export in _available()
        for name in PERIMETERS
    ]
    context = {
        "rows": rows,
        "bfc_count": bfc_count,
        "feeds": [("RSS", reverse("directory:feed_rss")), ("Atom", reverse("directory:feed_atom"))],
    }
    return render(request, "directory/open_data.html", context)


@require_safe
def export(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    chosen = next((item for item in _available() if item.slug == slug and item.extension == extension), None)
    if chosen is None:
        raise Http404
    perimeter = request.GET.get("perimetre", "tout")
    if perimeter not in PERIMETERS:
        return HttpResponse(
            "Périmètre inconnu : choisissez « tout » ou « contributions ».",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    places = _perimeter(perimeter)
    state = places.aggregate(count=Count("pk"), last=Max("updated_at"))
    stamp = state["last"].timestamp() if state["last"] else 0
    key = f"export:{chosen.format_name}:{perimeter}:{state['count']}:{stamp:.6f}"
    data = cache.get(key)
    if data is None:
        data = export_file(format_name=chosen.format_name, queryset=places)
        cache.set(key, data, timeout=3600)
    response = HttpResponse(data, content_type=f"{chosen.content_type}; charset=utf-8")
    suffix = "-contributions" if perimeter == "contributions" else ""
    response["Content-Disposition"] = f'attachment; filename="{chosen.slug}{suffix}.{chosen.extension}"'
    response["Access-Control-Allow-Origin"] = "*"
    if state["last"]:
        response["Last-Modified"] = state["last"].strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


RESULT_COLUMNS = [
    "Nom",
    "Commune",
    "Code INSEE",
    "Distance (km)",
    "Types",
    "Services",
    "Équipements",
    "Adresse",
    "Code postal",
    "Téléphone",
    "Courriel",
    "Site web",
    "Horaires",
    "État",
    "Fiche",
    "Source",
    "Licence",
]


def _result_rows(request: HttpRequest) -> tuple[list[list], str] | None:
    terms = all_terms()
    form = SearchForm(request.GET, terms=terms)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    commune, _ = resolve_commune(data["ou"]) if data["ou"] else (None, [])
    query = SearchQuery(
        need=data["q"],
        commune=commune,
        radius_km=data["rayon"],
        filters=form.vocabulary_filters(),
        open_now=data["ouvert"],
    )
    result = search(query, page_size=EXPORT_ROWS_MAX)
    rows = []
    for hit in result.hits:
        place = hit.place
        rows.append(
            [
                place.name,
                place.commune.name,
                place.commune.code,
                round(hit.distance_km, 1) if hit.distance_km is not None else None,
                ", ".join(term.label for term in place.typologies.all()),
                ", ".join(term.label for term in place.services.all()),
                ", ".join(
                    item.kind.label + ("" if item.verified else " (à confirmer)") for item in place.equipment.all()
                ),
                place.address,
                place.postcode,
                place.phone,
                place.email,
                place.website,
                place.opening_hours,
                place.get_status_display(),
                settings.SITE_URL + place.get_absolute_url(),
                "MedNum BFC" if place.source == BFC_SOURCE else "contributions du territoire",
                "ODbL 1.0" if place.source == BFC_SOURCE else "Licence Ouverte 2.0",
            ]
        )
    return rows, (data["q"] or "lieux")


@require_safe
def results_csv(request: HttpRequest) -> HttpResponse:
    found = _result_rows(request)
    if found is None:
        return HttpResponse(
            "Recherche invalide : vérifiez les paramètres.", status=400, content_type="text/plain; charset=utf-8"
        )
    rows, _ = found
    buffer = io.StringIO()
    # A semicolon and a byte-order mark: what spreadsheet software in France opens without asking.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recherche-lieux.csv"'
    return response


@require_safe
def results_ods(request: HttpRequest) -> HttpResponse:
    found = _result_rows(request)
    if found is None:
        return HttpResponse(
            "Recherche invalide : vérifiez les paramètres.", status=400, content_type="text/plain; charset=utf-8"
        )
    rows, _ = found
    response = HttpResponse(
        write_ods(RESULT_COLUMNS, rows, sheet="Lieux"), content_type="application/vnd.oasis.opendocument.spreadsheet"
    )
    response["Content-Disposition"] = 'attachment; filename="recherche-lieux.ods"'
    return response


WIDGET_SIZE = 5


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def widget(request: HttpRequest) -> HttpResponse:
    """Meant for an iframe on a partner's site: no cookie, no script, a few places, and the data's credit."""
    need = request.GET.get("besoin", "")[:200]
    where = request.GET.get("commune", "")[:100]
    commune, _ = resolve_commune(where) if where else (None, [])
    result = search(SearchQuery(need=need, commune=commune), page_size=WIDGET_SIZE)
    params = {"q": need, "ou": commune.code if commune else where}
    context = {
        "result": result,
        "need": need,
        "where": where,
        "commune": commune,
        "commune_unknown": bool(where) and commune is None,
        "more_url": settings.SITE_URL
        + reverse("directory:results")
        + "?"
        + urlencode({key: value for key, value in params.items() if value}),
        "site_url": settings.SITE_URL,
    }
    response = render(request, "directory/widget.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def widget_builder(request: HttpRequest) -> HttpResponse:
    need = request.GET.get("besoin", "")[:200]
    where = request.GET.get("commune", "")[:100]
    commune, _ = resolve_commune(where) if where else (None, [])
    src = None
    if need or commune:
        params = {"commune": commune.code if commune else "", "besoin": need}
        src = settings.SITE_URL + reverse("directory:widget") + "?" + urlencode({k: v for k, v in params.items() if v})
    context = {
        "need": need,
        "where": where,
        "commune": commune,
        "src": src,
        "commune_unknown": bool(where) and commune is None,
    }
    return render(request, "directory/widget_builder.html", context)
