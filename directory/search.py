"""Public search: places by need, filters and distance from a commune.

The cost of a search does not grow with the directory: the need and the
filters are sub-queries, a bounding box narrows places to the commune's
surroundings, distances are computed only for those candidates, and only the
page shown is loaded with its details.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from aiguillage.lib import opening_hours
from aiguillage.lib.geo import bounding_box, haversine_km
from aiguillage.lib.text import keywords
from directory.models import Equipment, ItinerantStop, Place, Term, Vocabulary
from territory.models import Commune

NEED_VOCABULARIES = (Vocabulary.EQUIPMENT, Vocabulary.SERVICE, Vocabulary.TYPOLOGY)
FILTERED_RELATIONS = {
    Vocabulary.TYPOLOGY: Place.typologies.through,
    Vocabulary.SERVICE: Place.services.through,
    Vocabulary.AUDIENCE: Place.audiences.through,
    Vocabulary.ACCESSIBILITY: Place.accessibility.through,
}


@dataclass
class SearchQuery:
    need: str = ""
    commune: Commune | None = None
    radius_km: int | None = None
    filters: dict[str, str] = field(default_factory=dict)  # vocabulary -> term code
    open_now: bool = False
    page: int = 1
    now: dt.datetime | None = None


@dataclass
class Hit:
    place: Place
    distance_km: float | None


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    page_count: int
    matched_terms: list[Term]
    unmatched_words: list[str]
    nearest_beyond_km: float | None = None


def _phrase_keywords(term: Term) -> list[set[str]]:
    return [set(keywords(phrase)) for phrase in [term.label, *term.synonym_list] if keywords(phrase)]


def match_need(need: str, terms: list[Term]) -> tuple[list[Term], list[str]]:
    """Terms a free-text need names, and the words no term explained.

    A term matches when every significant word of its label or of one of its
    synonyms is in the need ("imprimante 3D" finds the 3D printer), or when
    the whole need is the start of one of them ("imprimante").
    """
    words = keywords(need)
    if not words:
        return [], []
    wanted = set(words)
    full: list[Term] = []
    partial: list[Term] = []
    explained: set[str] = set()
    for term in terms:
        phrases = _phrase_keywords(term)
        covering = [phrase for phrase in phrases if phrase <= wanted]
        if covering:
            full.append(term)
            for phrase in covering:
                explained |= phrase
        elif any(wanted <= phrase for phrase in phrases):
            partial.append(term)
    if full:
        return full, [word for word in words if word not in explained]
    return partial, [] if partial else words


def _through_ids(vocabulary: str, term_ids: list[int]) -> QuerySet:
    if vocabulary == Vocabulary.EQUIPMENT:
        return Equipment.objects.filter(kind_id__in=term_ids).values("place_id")
    return FILTERED_RELATIONS[vocabulary].objects.filter(term_id__in=term_ids).values("place_id")


def filter_places(query: SearchQuery, terms: list[Term]) -> tuple[QuerySet, list[Term], list[str]]:
    places = Place.objects.public()
    need_terms = [term for term in terms if term.vocabulary in NEED_VOCABULARIES]
    matched, unmatched = match_need(query.need, need_terms)
    if matched:
        by_vocabulary: dict[str, list[int]] = {}
        for term in matched:
            by_vocabulary.setdefault(term.vocabulary, []).append(term.pk)
        condition = Q()
        for vocabulary, ids in by_vocabulary.items():
            condition |= Q(pk__in=_through_ids(vocabulary, ids))
        places = places.filter(condition)
    elif unmatched:
        for word in unmatched:
            places = places.filter(search_text__contains=word)
    index = {(term.vocabulary, term.code): term.pk for term in terms}
    for vocabulary, code in query.filters.items():
        term_id = index.get((vocabulary, code))
        if term_id is None:
            return Place.objects.none(), matched, unmatched
        places = places.filter(pk__in=_through_ids(vocabulary, [term_id]))
    return places, matched, unmatched


def _distances(places: QuerySet, commune: Commune, radius_km: float) -> dict[int, float]:
    """Great-circle distance from the commune to each candidate, itinerant units by their nearest stop."""
    box = bounding_box(commune.latitude, commune.longitude, radius_km)
    distances: dict[int, float] = {}
    in_box = places.filter(
        latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
    ).values_list("pk", "latitude", "longitude")
    stops = ItinerantStop.objects.filter(
        place__in=places.filter(is_itinerant=True),
        commune__latitude__range=(box.min_lat, box.max_lat),
        commune__longitude__range=(box.min_lon, box.max_lon),
    ).values_list("place_id", "commune__latitude", "commune__longitude")
    for pk, latitude, longitude in [*in_box, *stops]:
        km = haversine_km(commune.latitude, commune.longitude, latitude, longitude) * settings.ROAD_FACTOR
        if km <= radius_km and km < distances.get(pk, float("inf")):
            distances[pk] = km
    return distances


def _open_now(places: QuerySet, ids: list[int] | None, now: dt.datetime) -> set[int]:
    rows = places.exclude(opening_hours="")
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return {
        pk
        for pk, spec, status in rows.values_list("pk", "opening_hours", "status")
        if status == "open" and opening_hours.is_open_at(spec, now)
    }


def search(query: SearchQuery, *, page_size: int | None = None) -> SearchResult:
    """One page of results; page_size defaults to the search page's own (exports ask for more)."""
    terms = list(Term.objects.all())
    places, matched, unmatched = filter_places(query, terms)
    page_size = page_size or settings.SEARCH_PAGE_SIZE
    now = timezone.localtime(query.now or timezone.now())

    distances: dict[int, float] | None = None
    nearest_beyond = None
    if query.commune is not None:
        radius = float(query.radius_km or settings.SEARCH_DEFAULT_RADIUS_KM)
        distances = _distances(places, query.commune, radius)
        if not distances:
            # Say how far the nearest match is, rather than a bare "nothing".
            wider = _distances(places, query.commune, 400.0)
            nearest_beyond = min(wider.values()) if wider else None

    if distances is not None:
        ordered = list(distances)
        if query.open_now:
            open_ids = _open_now(places, ordered, now)
            ordered = [pk for pk in ordered if pk in open_ids]
        names = dict(Place.objects.filter(pk__in=ordered).values_list("pk", "name")) if ordered else {}
        ordered.sort(key=lambda pk: (round(distances[pk], 1), names.get(pk, "")))
        total = len(ordered)
    elif query.open_now:
        ordered = sorted(_open_now(places, None, now))
        names = dict(Place.objects.filter(pk__in=ordered).values_list("pk", "name")) if ordered else {}
        ordered.sort(key=lambda pk: names[pk])
        total = len(ordered)
    else:
        ordered = None
        total = places.count()

    page_count = max(1, -(-total // page_size))
    page = min(max(1, query.page), page_count)
    start = (page - 1) * page_size
    if ordered is None:
        page_places = list(places.with_card_data().order_by("name", "pk")[start : start + page_size])
    else:
        page_ids = ordered[start : start + page_size]
        loaded = Place.objects.with_card_data().in_bulk(page_ids)
        page_places = [loaded[pk] for pk in page_ids]
    hits = [Hit(place, distances.get(place.pk) if distances is not None else None) for place in page_places]
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        page_count=page_count,
        matched_terms=matched,
        unmatched_words=unmatched,
        nearest_beyond_km=nearest_beyond,
    )
