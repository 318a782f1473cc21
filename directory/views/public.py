import datetime as dt
import functools
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from aiguillage import page_cache
from aiguillage.lib import opening_hours
from directory import provenance
from directory.access import can_edit_place
from directory.cards import place_cards
from directory.forms import SearchForm
from directory.importers.licences import attribution, licence_url
from directory.index import Profile
from directory.kept_pages import LISTS_KEY, PLACES_KEY, place_key
from directory.models import WHEELCHAIR_ACCESS, AccessState, Place, PlaceStatus
from directory.place_page import get_place_for_page
from directory.search import THIN_RESULT, SearchQuery, SearchResult, all_terms, public_count, related_typologies, search
from territory.lookup import nearest_commune, resolve_commune
from territory.models import Commune

USED_TYPOLOGIES_KEY = "directory:used-typologies"
# The query parameters of the results and the map: an address with others is not kept (aiguillage.page_cache).
SEARCH_PARAMS = frozenset(SearchForm.base_fields)
QUICK_NEEDS = ["Imprimante 3D", "Découpe laser", "Réalité virtuelle", "Démarches en ligne", "Intelligence artificielle"]


def _used_typologies() -> set[int]:
    """Typologies that some place still carries, for the filter list.

    Scanning every place on each search was most of a search's cost on a national directory
    (the benchmark); a minute of staleness in a filter list is harmless.
    """
    live = [PlaceStatus.OPEN, PlaceStatus.TEMPORARILY_CLOSED]
    rows = Place.typologies.through.objects.filter(place__status__in=live).values_list("term_id", flat=True)
    return cache.get_or_set(USED_TYPOLOGIES_KEY, lambda: set(rows.distinct()), timeout=60)


def _chosen_commune(params: QueryDict) -> Commune | None:
    code = params.get("commune", "").strip().upper()
    return Commune.objects.filter(code=code).first() if code else None


def _search_context(request: HttpRequest, *, detail: bool = False) -> tuple[dict, int]:
    terms = all_terms()
    params = request.GET
    chosen = _chosen_commune(params)
    if chosen is not None and not params.get("ou", "").strip():
        params = params.copy()
        params["ou"] = chosen.name
    form = SearchForm(params, terms=terms, used_typologies=_used_typologies())
    context: dict = {"form": form, "result": None, "commune": None, "other_communes": [], "commune_unknown": False}
    if not form.is_valid():
        return context, 400
    data = form.cleaned_data
    if chosen is not None:
        commune, others = chosen, []
    elif data["commune"]:
        commune, others = None, []
    elif data["ou"]:
        commune, others = resolve_commune(data["ou"])
    elif data["lat"] is not None and data["lon"] is not None:
        commune, others = nearest_commune(data["lat"], data["lon"]), []
    else:
        commune, others = None, []
    unknown = (bool(data["ou"]) or bool(data["commune"])) and commune is None
    context.update(commune=commune, other_communes=others, commune_unknown=unknown)
    query = SearchQuery(
        need=data["q"],
        commune=commune,
        radius_km=data["rayon"],
        filters=form.vocabulary_filters(),
        open_now=data["ouvert"],
        page=data["page"] or 1,
    )
    result: SearchResult = search(query, detail=detail, terms=terms)
    context["result"] = result
    context["radius_km"] = data["rayon"] or settings.SEARCH_DEFAULT_RADIUS_KM
    params = params.copy()
    for name in ("page", "lat", "lon"):
        params.pop(name, None)
    elsewhere = params.copy()
    for name in ("ou", "commune"):
        elsewhere.pop(name, None)
    context["elsewhere_query"] = elsewhere.urlencode()
    if commune is not None:
        params["commune"] = commune.code
        if not params.get("ou"):
            params["ou"] = commune.name
    context["query_string"] = params.urlencode()
    context.update(_next_steps(params, data, commune, result, terms))
    context["filters_active"] = any(
        data.get(name) for name in ("type", "service", "equipement", "public", "accessibilite", "ouvert")
    )
    return context, 200


def _next_steps(params: QueryDict, data: dict, commune: Commune | None, result: SearchResult, terms: list) -> dict:
    """What an empty or thin result offers: a wider distance, a related need, a request for help pre-filled."""
    wider = params.copy()
    wider.pop("rayon", None)
    help_params = QueryDict(mutable=True)
    if data["q"]:
        help_params["besoin"] = data["q"]
    if commune is not None:
        help_params["commune"] = commune.name
    elif data["ou"]:
        help_params["commune"] = data["ou"]
    related = []
    if result.total < THIN_RESULT:
        for typology in related_typologies(result.matched_terms, terms):
            link = params.copy()
            for name in ("q", "type"):
                link.pop(name, None)
            link["type"] = typology.code
            related.append({"query": link.urlencode(), "text": f"Chercher un lieu de type « {typology.label} »"})
    return {
        "thin_result": THIN_RESULT,
        "wider_query": wider.urlencode(),
        "help_query": help_params.urlencode(),
        "related_needs": related,
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/home.html",
        {"form": SearchForm(terms=[]), "quick_needs": QUICK_NEEDS, "place_count": public_count()},
    )


def seconds_until(moment: dt.datetime | None, now: dt.datetime) -> float:
    """How long a page that says something of ``moment`` stays true (a page kept longer would lie)."""
    return max(0.0, (moment - now).total_seconds()) if moment is not None else page_cache.PAGE_SECONDS


def _kept_as_long_as(response: HttpResponse, result: SearchResult | None, open_now: bool) -> HttpResponse:
    """Until the next opening or closing a card speaks of; "ouvert maintenant" alone is not kept."""
    if open_now:
        response.kept_seconds = 0  # type: ignore[attr-defined]
    elif result is not None:
        response.kept_seconds = seconds_until(result.valid_until, timezone.now())  # type: ignore[attr-defined]
    return response


def _open_now_asked(request: HttpRequest) -> bool:
    return bool(request.GET.get("ouvert"))


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, [LISTS_KEY], lambda: _results(request), params=SEARCH_PARAMS)


def _results(request: HttpRequest) -> HttpResponse:
    context, status = _search_context(request)
    context["cards"] = place_cards(context["result"].hits) if context["result"] else ""
    response = render(request, "directory/results.html", context, status=status)
    return _kept_as_long_as(response, context["result"], _open_now_asked(request))


@require_safe
def map_view(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, [LISTS_KEY], lambda: _map(request), params=SEARCH_PARAMS)


def _map(request: HttpRequest) -> HttpResponse:
    context, status = _search_context(request)
    result = context["result"]
    markers = []
    if result is not None:
        markers = [
            {
                "name": hit.place.name,
                "lat": hit.place.latitude,
                "lon": hit.place.longitude,
                "url": hit.place.get_absolute_url(),
                "commune": hit.place.commune.name,
            }
            for hit in result.hits
        ]
    context["markers"] = markers
    context["cards"] = place_cards(result.hits) if result is not None else ""
    context["map_tiles_url"] = settings.MAP_TILES_URL
    context["map_attribution"] = settings.MAP_ATTRIBUTION
    response = render(request, "directory/map.html", context, status=status)
    return _kept_as_long_as(response, result, _open_now_asked(request))


@require_safe
def place_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    return page_cache.serve(request, [PLACES_KEY, place_key(pk)], lambda: _place_page(request, pk, slug), params=())


def _place_page(request: HttpRequest, pk: int, slug: str | None) -> HttpResponse:
    place = get_place_for_page(pk)
    if slug != place.slug:
        return HttpResponseRedirect(place.get_absolute_url())
    zone = opening_hours.place_timezone(place.commune.code)
    now = timezone.now().astimezone(ZoneInfo(zone))
    try:
        hours_table = (
            opening_hours.week_table(place.opening_hours, today=now.date(), timezone=zone)
            if place.opening_hours
            else []
        )
    except opening_hours.OpeningHoursError:
        hours_table = []
    open_status = opening_hours.status_at(place.opening_hours, now, timezone=zone)
    is_open = open_status.is_open if open_status else None
    stops = []
    for stop in place.stops.all():
        try:
            schedule = opening_hours.describe(stop.schedule) if stop.schedule else ""
        except opening_hours.OpeningHoursError:
            schedule = stop.schedule
        stops.append((stop, schedule))
    said_yes, said_no = list(place.accessibility.all()), list(place.accessibility_no.all())
    if any(term.code == WHEELCHAIR_ACCESS for term in said_yes):
        wheelchair = AccessState.YES
    elif any(term.code == WHEELCHAIR_ACCESS for term in said_no):
        wheelchair = AccessState.NO
    else:
        wheelchair = AccessState.UNKNOWN
    can_edit = can_edit_place(request.user, place)
    context = {
        "place": place,
        # Wheelchair access has its own sentence when it is "no" or unknown.
        "access": {
            "yes": said_yes,
            "no": [term for term in said_no if term.code != WHEELCHAIR_ACCESS],
            "wheelchair": wheelchair,
        },
        "hours_table": hours_table,
        "is_open": is_open if place.status == PlaceStatus.OPEN else False,
        "open_status": open_status if place.status == PlaceStatus.OPEN else None,
        "stops": stops,
        "credit": attribution(place.source, place.licence),
        "licence_url": licence_url(place.licence),
        "map_links": {
            "osm": f"https://www.openstreetmap.org/?mlat={place.latitude:.5f}&mlon={place.longitude:.5f}#map=17/"
            f"{place.latitude:.5f}/{place.longitude:.5f}",
            "directions": "https://www.openstreetmap.org/directions?route=%3B"
            f"{place.latitude:.5f}%2C{place.longitude:.5f}",
            "geo": f"geo:{place.latitude:.5f},{place.longitude:.5f}",
        },
        "can_edit": can_edit,
        "can_close": can_edit and request.user.is_coordinator and place.status != PlaceStatus.CLOSED,
        "provenance": provenance.groups(place.field_provenance),
        "from_source": provenance.from_source(place.field_provenance),
        "likely": _likely_offer(place),
        "qr_code": _qr_code(settings.SITE_URL + place.get_absolute_url()),
    }
    response = render(request, "directory/place.html", context)
    # True until the place opens or closes, and until midnight there (today's row, "demain", "à vérifier").
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    changes = [midnight] + ([open_status.changes_at] if open_status and open_status.changes_at else [])
    response.kept_seconds = seconds_until(min(changes), now)  # type: ignore[attr-defined]
    return response


def _likely_offer(place: Place) -> dict | None:
    """What the place's type or label makes likely, when its record lists no service (shown "à confirmer")."""
    profile = Profile.load(place.profile)
    if not profile.likely_services:
        return None
    by_id = {term.pk: term for term in all_terms()}
    services = [by_id[pk] for pk in profile.likely_services if pk in by_id]
    return {"services": sorted(services, key=lambda term: term.position), "reasons": profile.likely_reasons}


@functools.lru_cache(maxsize=1024)
def _qr_code(url: str) -> SafeString:
    """The place page's address as a QR code, in SVG (no image to fetch), for a mediator who hands it over."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, svgclass="qr-code", lineclass=None, omitsize=True, title=None)
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="Code QR de l\'adresse de cette fiche" ', 1))
