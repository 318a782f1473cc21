"""Open data: whole-directory exports, search results for office users, and the embeddable widget."""

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

from aiguillage import page_cache
from aiguillage.lib import csvsafe
from aiguillage.lib.ods import write_ods
from directory.forms import SearchForm
from directory.importers.files import export_file
from directory.importers.licences import CREDITS, LICENCES, REGISTRY, credit_of, licence_short, licence_url
from directory.importers.registry import FORMATS
from directory.kept_pages import LISTS_KEY
from directory.models import Place, PlaceStatus
from directory.search import SearchQuery, all_terms, search
from territory.lookup import resolve_commune

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
    "tout": "Tous les lieux",
    "contributions": "Contributions du territoire seulement",
}


def _available() -> list[Export]:
    writable = set(FORMATS.writable())
    return [export for export in EXPORTS if export.format_name in writable]


def _left_out(name: str) -> frozenset[str]:
    """The sources a perimeter leaves out: the territory's own contributions are the records of no credited source
    (directory/data/sources.json)."""
    return frozenset(CREDITS) if name == "contributions" else frozenset()


def _perimeter(name: str) -> QuerySet:
    left_out = _left_out(name)
    return Place.objects.exclude(source__in=sorted(left_out)) if left_out else Place.objects.all()


def _perimeter_licence(pairs: list[tuple[str, str]]) -> tuple[str, str]:
    """(label, url) of the licence a file of these (source, licence) records is under.

    A share-alike licence covers the whole file ("ODbL 1.0 (dérivé de MedNum BFC)"); otherwise each
    licence present applies to its own records.
    """
    codes = sorted({licence for _, licence in pairs}) or [REGISTRY.default_licence]
    for code in codes:
        known = LICENCES.get(code)
        if known is not None and known.share_alike:
            sources = sorted({credit_of(source) for source, licence in pairs if licence == code})
            return f"{licence_short(code)} (dérivé de {', '.join(sources)})", known.url
    if len(codes) == 1:
        return licence_short(codes[0]), licence_url(codes[0])
    return " et ".join(licence_short(code) for code in codes), ""


def _open_data_stats() -> tuple[dict, list[dict]]:
    """Count, last update and licence of each file, and the records of each source: a few passes over the
    whole table, kept a minute (the page is public; a minute's delay on a count is harmless)."""
    return cache.get_or_set(OPEN_DATA_STATS_KEY, _count_open_data, timeout=60)


def _count_open_data() -> tuple[dict, list[dict]]:
    # One pass a file: its records grouped by (source, licence) give both perimeters, since the territory's
    # contributions are the records of no credited source (two passes a file and perimeter took twice as long).
    stats = {}
    for export in _available():
        place_format = FORMATS.get(export.format_name)
        places = Place.objects.all()
        if place_format.public_only:
            # Open-data formats leave out places closed for good.
            places = places.exclude(status=PlaceStatus.CLOSED)
        if place_format.selects is not None:
            places = place_format.selects(places)
        groups = list(places.order_by().values("source", "licence").annotate(count=Count("pk"), last=Max("updated_at")))
        for name in PERIMETERS:
            kept = [group for group in groups if group["source"] not in _left_out(name)]
            stats[name, export.format_name] = {
                "count": sum(group["count"] for group in kept),
                "last": max((group["last"] for group in kept), default=None),
                "licence": _perimeter_licence([(group["source"], group["licence"]) for group in kept]),
            }
    counts = Place.objects.order_by().values("source", "licence").annotate(count=Count("pk"))
    sources: dict[str, dict] = {}
    for row in counts:
        credit = CREDITS.get(row["source"])
        key = row["source"] if credit else ""
        entry = sources.setdefault(
            key,
            {
                "credit": credit.credit if credit else "Contributions du territoire",
                "description": credit.description if credit else "",
                "licences": {},
                "count": 0,
            },
        )
        entry["count"] += row["count"]
        entry["licences"][row["licence"]] = (licence_short(row["licence"]), licence_url(row["licence"]))
    listed = [
        {**entry, "licences": sorted(entry["licences"].values())}
        for key, entry in sorted(sources.items(), key=lambda item: (item[0] == "", item[0]))
    ]
    return stats, listed


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    stats, sources = _open_data_stats()
    rows = [
        {
            "export": export,
            "perimeter": name,
            "label": PERIMETERS[name],
            "licence": stats[name, export.format_name]["licence"][0],
            "licence_url": stats[name, export.format_name]["licence"][1],
            "count": stats[name, export.format_name]["count"],
            "last": stats[name, export.format_name]["last"],
            "url": reverse("directory:export", kwargs={"slug": export.slug, "extension": export.extension})
            + ("?perimetre=contributions" if name == "contributions" else ""),
        }
        for export in _available()
        for name in PERIMETERS
    ]
    context = {
        "rows": rows,
        "sources": sources,
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
                credit_of(place.source),
                licence_short(place.licence),
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
    writer = csvsafe.writer(buffer, delimiter=";")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(rows)
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
    return page_cache.serve(request, [LISTS_KEY], lambda: _widget(request), params=("besoin", "commune"))


def _widget(request: HttpRequest) -> HttpResponse:
    need = request.GET.get("besoin", "")[:200]
    where = request.GET.get("commune", "")[:100]
    commune, _ = resolve_commune(where) if where else (None, [])
    # Only what a card shows (name, commune, phone): the widget never showed the details it used to load.
    result = search(SearchQuery(need=need, commune=commune), page_size=WIDGET_SIZE, detail=False)
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
