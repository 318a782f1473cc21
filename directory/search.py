"""Public search: places by need, filters and distance from a commune.

The cost of a search does not grow with the directory: near a commune, the
need is read from the search index (directory/index.py) within a box around
the commune, the filters are correlated sub-queries on those rows only,
distances are computed for those candidates alone, and only the page shown is
loaded.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from aiguillage import memo
from aiguillage.lib import opening_hours
from directory import index
from directory.index import Profile
from directory.models import (
    WHEELCHAIR_ACCESS,
    AccessState,
    Equipment,
    LikelyService,
    Place,
    PlacePoint,
    Term,
    Vocabulary,
)
from directory.needs import match_need, understand
from territory.models import Commune

NEED_VOCABULARIES = (Vocabulary.EQUIPMENT, Vocabulary.SERVICE, Vocabulary.TYPOLOGY)
FILTERED_RELATIONS = {
    Vocabulary.TYPOLOGY: Place.typologies.through,
    Vocabulary.SERVICE: Place.services.through,
    Vocabulary.AUDIENCE: Place.audiences.through,
    Vocabulary.ACCESSIBILITY: Place.accessibility.through,
}
# The distances the search offers, and how many places make a result thin enough to offer a wider one.
RADII = (10, 20, 30, 50, 100)
THIN_RESULT = 3
__all__ = ["match_need"]


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
    # The record does not state all that is asked: shown after those that do.
    to_confirm: bool = False
    # Found for a service its type or label makes likely (its record lists none): to confirm, and why.
    likely: bool = False
    likely_reasons: tuple[str, ...] = ()
    services_unknown: bool = False
    # Said yes, said no, or not said; for the filter's accessibility code, else wheelchair access.
    access: str = AccessState.UNKNOWN
    access_label: str = ""
    hours: str = ""  # today's opening, in French ("Ouvert maintenant, ferme à 17 h"), when the hours say

    @property
    def unconfirmed_equipment(self) -> list[Term]:
        return [kind for kind, confirmed in self.equipment if not confirmed]

    @property
    def confirmed_equipment(self) -> list[Term]:
        return [kind for kind, confirmed in self.equipment if confirmed]


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    page_count: int
    matched_terms: list[Term]
    unmatched_words: list[str]
    nearest_beyond_km: float | None = None
    # Typos forgiven: (typed, read as).
    corrections: list[tuple[str, str]] = field(default_factory=list)
    # For an empty or thin result near a commune: (wider distance, how many places it finds).
    wider: list[tuple[int, int]] = field(default_factory=list)
    # The first moment a card's hours stop being true (an opening, a closing, midnight there); None: no hours shown.
    valid_until: dt.datetime | None = None


def all_terms() -> list[Term]:
    """Every vocabulary term, as each search reads them: from this process's memory (a minute at most, dropped on
    every server when a term is saved or deleted here), else from the database."""
    return memo.get_or_set(TERMS_KEY, lambda: list(Term.objects.all()), timeout=60)


def public_count() -> int:
    """How many public places there are: counting a national directory on every list page cost more than the page
    (a minute of delay on a count is harmless)."""
    return cache.get_or_set(PUBLIC_COUNT_KEY, Place.objects.public().count, timeout=60)


def forget_terms(**kwargs: object) -> None:
    memo.forget(TERMS_KEY)


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
    "opening_hours",
    "profile",
    "commune",
    "commune__name",
    "commune__code",
)
ID_CHUNK = 5000  # under every database's limit of parameters in one query
TERMS_KEY = "directory:terms"
PUBLIC_COUNT_KEY = "directory:public-count"


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


def _accessibility_split(chosen: dict[str, int]) -> tuple[dict[str, int], int | None]:
    """The filters that must hold, and the accessibility code asked for: unknown is not no, only a "no" excludes."""
    rest = dict(chosen)
    return rest, rest.pop(Vocabulary.ACCESSIBILITY, None)


def _said_no(term_id: int, place_field: str = "pk") -> Exists:
    rows = Place.accessibility_no.through.objects.filter(term_id=term_id)
    return Exists(rows.filter(place_id=OuterRef(place_field)))


def _everywhere(matched: list[Term], unmatched: list[str], chosen: dict[str, int]) -> QuerySet:
    """Public places matching the need and the filters, wherever they are (a search without a commune).

    Each is annotated ``stated``: its record states the need (not only a likely service) and, when the
    filters ask for an accessibility code, says yes to it.
    """
    places = Place.objects.public()
    required, access = _accessibility_split(chosen)
    stated = Q()
    if matched:
        by_vocabulary: dict[str, list[int]] = {}
        for term in matched:
            by_vocabulary.setdefault(term.vocabulary, []).append(term.pk)
        condition = Q()
        for vocabulary, ids in by_vocabulary.items():
            condition |= Q(_offering(vocabulary, ids))
        likely = PlacePoint.objects.filter(place_id=OuterRef("pk"), likely=True, term_id__in=[t.pk for t in matched])
        places = places.filter(condition | Q(Exists(likely)))
        stated &= condition
    else:
        for word in unmatched:
            places = places.filter(search_text__contains=word)
    for vocabulary, term_id in required.items():
        places = places.filter(_offering(vocabulary, [term_id]))
    if access is not None:
        places = places.exclude(_said_no(access))
        stated &= Q(_offering(Vocabulary.ACCESSIBILITY, [access]))
    if not stated:
        return places.annotate(stated=Value(True, output_field=BooleanField()))
    return places.annotate(stated=ExpressionWrapper(stated, output_field=BooleanField()))


def _near(
    commune: Commune,
    radius_km: float,
    *,
    matched: list[Term],
    unmatched: list[str],
    chosen: dict[str, int],
) -> tuple[dict[int, float], set[int]]:
    """Great-circle distance (times the road factor) from the commune to each match within radius_km, and the
    matches whose record does not state all that is asked (a likely service, an accessibility not said).

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
    required, access = _accessibility_split(chosen)
    for vocabulary, term_id in required.items():
        points = points.filter(_offering(vocabulary, [term_id], "place_id"))
    columns = ["place_id", "latitude", "longitude", "likely"]
    if access is not None:
        points = points.exclude(_said_no(access, "place_id")).annotate(
            said_yes=_offering(Vocabulary.ACCESSIBILITY, [access], "place_id")
        )
        columns.append("said_yes")
    distances: dict[int, float] = {}
    stated: set[int] = set()
    rows = list(points.order_by().values_list(*columns))
    for (pk, _, _, likely, *said_yes), km in zip(rows, area.distances([row[1:3] for row in rows]), strict=True):
        if km is None:
            continue
        if km < distances.get(pk, float("inf")):
            distances[pk] = km
        if not likely and (not said_yes or said_yes[0]):
            stated.add(pk)
    return distances, set(distances) - stated


def _by_ids(ids: list[int], *fields: str) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(ids), ID_CHUNK):
        rows.extend(Place.objects.filter(pk__in=ids[start : start + ID_CHUNK]).order_by().values_list(*fields))
    return rows


def _distance_page(
    ids: list[int], distances: dict[int, float], start: int, size: int, later: set[int] | None = None
) -> list[int]:
    """One page of ids in the order (stated first, distance to the tenth of a km, name, id).

    ``later`` holds the places whose record does not state all that is asked: they come after the others.
    Names only decide between places at the same rounded distance: they are read for the page's
    distances alone, not for the thousands of places around a city.
    """
    if start >= len(ids):
        return []
    later = later or set()
    rounded = {pk: (pk in later, round(distances[pk], 1)) for pk in ids}
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


def _cards(
    hits: list[Hit], terms: list[Term], *, now: dt.datetime, matched: list[Term], access_code: str | None
) -> dt.datetime | None:
    """What a result card shows besides the place's own fields, from its profile and hours (no query).

    Returns the first moment the hours shown stop being true, if any are shown."""
    until: dt.datetime | None = None
    by_id = {term.pk: term for term in terms}
    code = access_code or WHEELCHAIR_ACCESS
    access_term = next((t for t in terms if t.vocabulary == Vocabulary.ACCESSIBILITY and t.code == code), None)
    wanted = {term.pk for term in matched}
    for hit in hits:
        place = hit.place
        profile = Profile.load(place.profile)
        hit.typologies = [by_id[pk] for pk in profile.typologies if pk in by_id]
        machines = [(by_id[kind], confirmed) for kind, confirmed in profile.equipment if kind in by_id]
        machines.sort(key=lambda item: (item[0].position, item[0].label))
        hit.equipment = machines
        hit.services_unknown = not profile.services
        if hit.to_confirm and not wanted.isdisjoint(profile.likely_services):
            stated = {*profile.typologies, *(kind for kind, _ in profile.equipment)}
            hit.likely = wanted.isdisjoint(stated)
            hit.likely_reasons = profile.likely_reasons if hit.likely else ()
        if access_term is not None:
            hit.access_label = access_term.label
            if access_term.pk in profile.accessibility:
                hit.access = AccessState.YES
            elif access_term.pk in profile.accessibility_no:
                hit.access = AccessState.NO
        if place.opening_hours and place.status == "open":
            zone = opening_hours.place_timezone(place.commune.code)
            status = opening_hours.status_at(place.opening_hours, now, timezone=zone)
            hit.hours = status.text if status else ""
            if status is not None:
                local = now.astimezone(ZoneInfo(zone))
                # "ferme à 18 h", "ouvre demain à 9 h": true until the change, and at most until midnight there.
                moment = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo)
                if status.changes_at is not None:
                    moment = min(moment, status.changes_at)
                until = moment if until is None else min(until, moment)
    return until


def _wider(
    commune: Commune, radius: float, *, matched: list[Term], unmatched: list[str], chosen: dict[str, int]
) -> tuple[list[tuple[int, int]], float | None]:
    """How many places each wider distance offered would find, and how far the nearest match is (one read)."""
    widest = float(max(RADII))
    distances, _ = _near(commune, widest, matched=matched, unmatched=unmatched, chosen=chosen)
    wider = [(km, sum(1 for d in distances.values() if d <= km)) for km in RADII if km > radius]
    nearest = min(distances.values()) if distances else None
    if nearest is None:
        # Say how far the nearest match is, rather than a bare "nothing".
        farther, _ = _near(commune, 400.0, matched=matched, unmatched=unmatched, chosen=chosen)
        nearest = min(farther.values()) if farther else None
    return [(km, count) for km, count in wider if count], nearest


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
    understood = understand(query.need, need_terms)
    matched, unmatched = understood.terms, understood.unmatched
    chosen = _filter_ids(query, terms)

    nearest_beyond = None
    wider: list[tuple[int, int]] = []
    distances: dict[int, float] | None = None
    later: set[int] = set()
    if chosen is None:
        ordered: list[int] | None = []
    elif query.commune is not None:
        radius = float(query.radius_km or settings.SEARCH_DEFAULT_RADIUS_KM)
        distances, later = _near(query.commune, radius, matched=matched, unmatched=unmatched, chosen=chosen)
        ordered = list(distances)
        if query.open_now:
            open_ids = _open_now(ordered, now)
            ordered = [pk for pk in ordered if pk in open_ids]
        if len(ordered) < THIN_RESULT:
            wider, nearest_beyond = _wider(query.commune, radius, matched=matched, unmatched=unmatched, chosen=chosen)
            if ordered:
                nearest_beyond = None
    else:
        places = _everywhere(matched, unmatched, chosen)
        if query.open_now:
            rows = list(places.order_by().values_list("pk", "stated"))
            open_ids = _open_now([pk for pk, _ in rows], now)
            later = {pk for pk, stated in rows if not stated}
            names = dict(_by_ids(sorted(open_ids), "pk", "name"))
            ordered = sorted(open_ids, key=lambda pk: (pk in later, names[pk], pk))
        else:
            ordered = None

    if ordered is None:
        # Every public place (no need, no filter): the count is kept a minute, as the home page's.
        total = public_count() if not (matched or unmatched or chosen) else places.count()
    else:
        total = len(ordered)
    page_count = max(1, -(-total // page_size))
    page = min(max(1, query.page), page_count)
    start = (page - 1) * page_size
    if ordered is None:
        # With nothing to state, "stated" is a constant: ordering by it too would keep the database from reading
        # the page off the name index (a sort of every public place instead).
        constant = isinstance(places.query.annotations.get("stated"), Value)
        order = ("name", "pk") if constant else ("-stated", "name", "pk")
        rows = list(places.order_by(*order).values_list("pk", "stated")[start : start + page_size])
        page_ids = [pk for pk, _ in rows]
        later = {pk for pk, stated in rows if not stated}
    elif distances is not None:
        page_ids = _distance_page(ordered, distances, start, page_size, later)
    else:
        page_ids = ordered[start : start + page_size]
    loaded = _load(page_ids, detail)
    hits = [
        Hit(loaded[pk], distances.get(pk) if distances is not None else None, to_confirm=pk in later)
        for pk in page_ids
        if pk in loaded
    ]
    valid_until = _cards(hits, terms, now=now, matched=matched, access_code=query.filters.get(Vocabulary.ACCESSIBILITY))
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        page_count=page_count,
        matched_terms=matched,
        unmatched_words=unmatched,
        nearest_beyond_km=nearest_beyond,
        corrections=understood.corrections,
        wider=wider,
        valid_until=valid_until,
    )


def related_typologies(matched: list[Term], terms: list[Term], limit: int = 2) -> list[Term]:
    """Types of place that often answer these needs, for a result with few places: those whose type makes the
    services likely (the likely-service table), and the commonest types of the places that have the machines."""
    by_id = {term.pk: term for term in terms}
    services = [term.pk for term in matched if term.vocabulary == Vocabulary.SERVICE]
    machines = [term.pk for term in matched if term.vocabulary == Vocabulary.EQUIPMENT]
    found: dict[int, int] = {}
    if services:
        rows = LikelyService.objects.filter(
            active=True, services__in=services, term__vocabulary=Vocabulary.TYPOLOGY
        ).values_list("term_id", flat=True)
        for term_id in rows:
            found[term_id] = found.get(term_id, 0) + 1
    if machines:
        owners = Equipment.objects.filter(kind_id__in=machines).values("place_id")
        rows = (
            Place.typologies.through.objects.filter(place_id__in=owners)
            .values("term_id")
            .annotate(count=Count("place_id", distinct=True))
            .order_by("-count", "term_id")[: limit * 2]
        )
        for row in rows:
            found[row["term_id"]] = found.get(row["term_id"], 0) + row["count"]
    already = {term.pk for term in matched}
    ranked = sorted((pk for pk in found if pk not in already and pk in by_id), key=lambda pk: (-found[pk], pk))
    return [by_id[pk] for pk in ranked[:limit]]
