"""Public search: places by need, filters and distance from a commune.

The cost of a search does not grow with the directory: near a commune, the
need is read from the search index (directory/index.py) within a box around
the commune, the filters are correlated sub-queries on those rows only,
distances are computed for those candidates alone, and only the page shown is
loaded.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from aiguillage.lib import opening_hours
from aiguillage.lib.text import keywords
from directory import index
from directory.index import Profile
from directory.models import Equipment, Place, PlacePoint, Term, Vocabulary
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
    typologies: list[Term] = field(default_factory=list)
    equipment: list[tuple[Term, bool]] = field(default_factory=list)  # (machine kind, confirmed)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    page_count: int
    matched_terms: list[Term]
    unmatched_words: list[str]
    nearest_beyond_km: float | None = None


def all_terms() -> list[Term]:
    """Every vocabulary term, as each search reads them: from the cache (a minute at most, dropped when a term
    is saved or deleted here), else from the database."""
    return cache.get_or_set(TERMS_KEY, lambda: list(Term.objects.all()), timeout=60)


def forget_terms(**kwargs: object) -> None:
    cache.delete(TERMS_KEY)


def _phrase_keywords(term: Term) -> tuple[frozenset[str], ...]:
    return _phrases(term.label, term.synonyms)


@functools.lru_cache(maxsize=4096)
def _phrases(label: str, synonyms: str) -> tuple[frozenset[str], ...]:
    """The keyword sets of a term's label and synonyms (the same text always gives the same sets)."""
    lines = [label, *(line.strip() for line in synonyms.splitlines())]
    return tuple(frozenset(words) for words in (keywords(line) for line in lines if line) if words)


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


CARD_FIELDS = (
    "pk",
    "name",
    "slug",
    "summary",
    "status",
    "is_itinerant",
    "latitude",
    "longitude",
    "phone",
    "profile",
    "commune",
    "commune__name",
    "commune__code",
)
ID_CHUNK = 5000  # under every database's limit of parameters in one query
TERMS_KEY = "directory:terms"


def _offering(vocabulary: str, term_ids: list[int], place_field: str = "pk") -> Exists:
    """The place (or the row's place_field) offers one of these terms: a correlated sub-query, one probe per row."""
    if vocabulary == Vocabulary.EQUIPMENT:
        rows = Equipment.objects.filter(kind_id__in=term_ids)
    else:
        rows = FILTERED_RELATIONS[vocabulary].objects.filter(term_id__in=term_ids)
    return Exists(rows.filter(place_id=OuterRef(place_field)))


def _filter_ids(query: SearchQuery, terms: list[Term]) -> dict[str, int] | None:
    """The filters' term ids by vocabulary; None when one names a term that does not exist."""
    known = {(term.vocabulary, term.code): term.pk for term in terms}
    chosen = {}
    for vocabulary, code in query.filters.items():
        term_id = known.get((vocabulary, code))
        if term_id is None:
            return None
        chosen[vocabulary] = term_id
    return chosen


def _everywhere(matched: list[Term], unmatched: list[str], chosen: dict[str, int]) -> QuerySet:
    """Public places matching the need and the filters, wherever they are (a search without a commune)."""
    places = Place.objects.public()
    if matched:
        by_vocabulary: dict[str, list[int]] = {}
        for term in matched:
            by_vocabulary.setdefault(term.vocabulary, []).append(term.pk)
        condition = Q()
        for vocabulary, ids in by_vocabulary.items():
            condition |= Q(_offering(vocabulary, ids))
        places = places.filter(condition)
    else:
        for word in unmatched:
            places = places.filter(search_text__contains=word)
    for vocabulary, term_id in chosen.items():
        places = places.filter(_offering(vocabulary, [term_id]))
    return places


def _near(
    commune: Commune,
    radius_km: float,
    *,
    matched: list[Term],
    unmatched: list[str],
    chosen: dict[str, int],
) -> dict[int, float]:
    """Great-circle distance (times the road factor) from the commune to each match within radius_km.

    Read from the search index: one index range per longitude band, whatever the size of the
    directory; an itinerant unit is as near as the nearest of its points (its base or a stop).
    """
    area = index.Area.around(commune.latitude, commune.longitude, radius_km)
    box = area.box
    points = PlacePoint.objects.filter(
        latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
    )
    if area.bands is not None:
        points = points.filter(band__in=area.bands)
    if matched:
        points = points.filter(term_id__in=[term.pk for term in matched])
    else:
        points = points.filter(term__isnull=True)
        for word in unmatched:
            points = points.filter(place__search_text__contains=word)
    for vocabulary, term_id in chosen.items():
        points = points.filter(_offering(vocabulary, [term_id], "place_id"))
    distances: dict[int, float] = {}
    for pk, latitude, longitude in points.order_by().values_list("place_id", "latitude", "longitude"):
        km = area.distance(latitude, longitude)
        if km is not None and km < distances.get(pk, float("inf")):
            distances[pk] = km
    return distances


def _by_ids(ids: list[int], *fields: str) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(ids), ID_CHUNK):
        rows.extend(Place.objects.filter(pk__in=ids[start : start + ID_CHUNK]).order_by().values_list(*fields))
    return rows


def _distance_page(ids: list[int], distances: dict[int, float], start: int, size: int) -> list[int]:
    """One page of ids in the order (distance to the tenth of a km, name, id).

    Names only decide between places at the same rounded distance: they are read for the page's
    distances alone, not for the thousands of places around a city.
    """
    if start >= len(ids):
        return []
    rounded = {pk: round(distances[pk], 1) for pk in ids}
    by_distance = sorted(ids, key=lambda pk: (rounded[pk], pk))
    end = min(start + size, len(ids))
    low, high = rounded[by_distance[start]], rounded[by_distance[end - 1]]
    before = sum(1 for pk in by_distance if rounded[pk] < low)
    window = [pk for pk in by_distance if low <= rounded[pk] <= high]
    names = dict(_by_ids(window, "pk", "name"))
    window.sort(key=lambda pk: (rounded[pk], names.get(pk, ""), pk))
    return window[start - before : start - before + size]


def _open_now(ids: list[int], now: dt.datetime) -> set[int]:
    return {
        pk
        for pk, spec, status, commune in _by_ids(ids, "pk", "opening_hours", "status", "commune__code")
        if spec
        and status == "open"
        and opening_hours.is_open_at(spec, now, timezone=opening_hours.place_timezone(commune))
    }


def _cards(hits: list[Hit], terms: list[Term]) -> None:
    """What a result card shows besides the place's own fields, from its profile (no query)."""
    by_id = {term.pk: term for term in terms}
    for hit in hits:
        profile = Profile.load(hit.place.profile)
        hit.typologies = [by_id[pk] for pk in profile.typologies if pk in by_id]
        machines = [(by_id[kind], confirmed) for kind, confirmed in profile.equipment if kind in by_id]
        machines.sort(key=lambda item: (item[0].position, item[0].label))
        hit.equipment = machines


def _load(ids: list[int], detail: bool) -> dict[int, Place]:
    if detail:
        return Place.objects.with_card_data().in_bulk(ids)
    rows = Place.objects.select_related("commune").only(*(name for name in CARD_FIELDS if name != "pk"))
    return rows.in_bulk(ids)


def search(
    query: SearchQuery, *, page_size: int | None = None, detail: bool = True, terms: list[Term] | None = None
) -> SearchResult:
    """One page of results; page_size defaults to the search page's own (exports ask for more).

    detail loads everything a place page shows for each hit (API, exports); the results page only
    needs what its cards show. terms may be passed by a caller that already loaded them.
    """
    terms = all_terms() if terms is None else terms
    page_size = page_size or settings.SEARCH_PAGE_SIZE
    now = timezone.localtime(query.now or timezone.now())
    need_terms = [term for term in terms if term.vocabulary in NEED_VOCABULARIES]
    matched, unmatched = match_need(query.need, need_terms)
    chosen = _filter_ids(query, terms)

    nearest_beyond = None
    distances: dict[int, float] | None = None
    if chosen is None:
        ordered: list[int] | None = []
    elif query.commune is not None:
        radius = float(query.radius_km or settings.SEARCH_DEFAULT_RADIUS_KM)
        distances = _near(query.commune, radius, matched=matched, unmatched=unmatched, chosen=chosen)
        if not distances:
            # Say how far the nearest match is, rather than a bare "nothing": widen step by step.
            for wider_radius in (radius * 2, radius * 4, 400.0):
                wider = _near(query.commune, wider_radius, matched=matched, unmatched=unmatched, chosen=chosen)
                if wider:
                    nearest_beyond = min(wider.values())
                    break
        ordered = list(distances)
        if query.open_now:
            open_ids = _open_now(ordered, now)
            ordered = [pk for pk in ordered if pk in open_ids]
    else:
        places = _everywhere(matched, unmatched, chosen)
        if query.open_now:
            candidates = list(places.order_by().values_list("pk", flat=True))
            open_ids = _open_now(candidates, now)
            names = dict(_by_ids(sorted(open_ids), "pk", "name"))
            ordered = sorted(open_ids, key=lambda pk: (names[pk], pk))
        else:
            ordered = None

    if ordered is None:
        total = places.count()
    else:
        total = len(ordered)
    page_count = max(1, -(-total // page_size))
    page = min(max(1, query.page), page_count)
    start = (page - 1) * page_size
    if ordered is None:
        page_ids = list(places.order_by("name", "pk").values_list("pk", flat=True)[start : start + page_size])
    elif distances is not None:
        page_ids = _distance_page(ordered, distances, start, page_size)
    else:
        page_ids = ordered[start : start + page_size]
    loaded = _load(page_ids, detail)
    hits = [Hit(loaded[pk], distances.get(pk) if distances is not None else None) for pk in page_ids if pk in loaded]
    _cards(hits, terms)
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        page_count=page_count,
        matched_terms=matched,
        unmatched_words=unmatched,
        nearest_beyond_km=nearest_beyond,
    )
