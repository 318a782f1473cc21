"""The bridge between the database and the routing engine, which knows nothing of Django.

Reads the thesaurus, pre-selects the places that could answer (those that
offer a needed service or machine, near enough, or remote) from the search
index (directory/index.py), reads them with their profile in one query, and
hands plain data to the engine.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from aiguillage import memo
from aiguillage.lib.text import normalize_name
from demandes.models import NeedCategory, Request
from directory import index
from directory.index import Profile
from directory.kept_pages import LISTS_KEY
from directory.models import Place, PlacePoint, PlaceStatus, Term, Vocabulary
from directory.search import ID_CHUNK
from routing.engine import (
    PRODUCTION_RUN,
    Candidate,
    RoutingRequest,
    RoutingResult,
    RoutingSettings,
    Stop,
    max_distance,
    needed_codes,
    production_required,
    route,
    score_ceiling,
    unmet_means_none_admitted,
)
from routing.qualify import Category
from routing.qualify import qualify as qualify_text
from territory.models import Commune

CATEGORIES_KEY = "demandes:need-categories"
TERM_TABLE_KEY = "demandes:routing-terms"
CATEGORIES_TTL_SECONDS = 60
# The first circle candidates are read in, as a share of the reach; each next one doubles.
FIRST_CIRCLE_FRACTION = 1 / 8
# When the places found so far, spread over the whole reach, would be fewer than this, the next circle is the reach.
WHOLE_REACH_CANDIDATES = 400
# Candidates are read nearest first, this many at first, twice as many each time after.
FIRST_CHUNK = 32
ROUTED_VOCABULARIES = (Vocabulary.SERVICE, Vocabulary.EQUIPMENT, Vocabulary.AUDIENCE, Vocabulary.ACCESSIBILITY)


@dataclass(frozen=True)
class TermTable:
    """The terms routing reads, in one query: codes by id (profiles store ids), ids by code, French labels."""

    codes: dict[int, str]
    ids: dict[tuple[str, str], int]
    labels: dict[str, str]

    @classmethod
    def load(cls) -> "TermTable":
        """From the cache (a minute at most, dropped when a term is saved), else from the database."""
        return memo.get_or_set(TERM_TABLE_KEY, cls._read, timeout=CATEGORIES_TTL_SECONDS)

    @classmethod
    def _read(cls) -> "TermTable":
        rows = Term.objects.filter(vocabulary__in=ROUTED_VOCABULARIES).values_list("pk", "vocabulary", "code", "label")
        return cls(
            codes={pk: code for pk, _, code, _ in rows},
            ids={(vocabulary, code): pk for pk, vocabulary, code, _ in rows},
            labels={code: label for _, _, code, label in rows},
        )


def routing_settings(table: TermTable | None = None) -> RoutingSettings:
    labels = (table or TermTable.load()).labels
    return RoutingSettings(
        labels=labels,
        production_threshold=settings.ROUTING_PRODUCTION_THRESHOLD,
        default_max_distance_km=settings.ROUTING_MAX_DISTANCE_KM,
        road_factor=settings.ROAD_FACTOR,
        weight_fit=settings.ROUTING_WEIGHT_FIT,
        weight_distance=settings.ROUTING_WEIGHT_DISTANCE,
        weight_freshness=settings.ROUTING_WEIGHT_FRESHNESS,
    )


def categories() -> dict[str, tuple[NeedCategory, Category]]:
    """Each active need category as (row, engine category), by code.

    The thesaurus is read on every qualification and every API call: it is kept in the cache for a
    minute, and dropped from it as soon as a category, its links or a term is saved here.
    """
    return memo.get_or_set(CATEGORIES_KEY, _read_categories, timeout=CATEGORIES_TTL_SECONDS)


def _read_categories() -> dict[str, tuple[NeedCategory, Category]]:
    result = {}
    for row in NeedCategory.objects.filter(active=True).prefetch_related("services", "equipment"):
        result[row.code] = (
            row,
            Category(
                code=row.code,
                label=row.label,
                synonyms=tuple(line.strip() for line in row.synonyms.splitlines() if line.strip()),
                stems=tuple(line.strip() for line in row.stems.splitlines() if line.strip()),
                services=frozenset(term.code for term in row.services.all()),
                equipment=frozenset(term.code for term in row.equipment.all()),
                production_run=row.production_run,
            ),
        )
    return result


def forget_categories(**kwargs: object) -> None:
    """Signal receiver: the thesaurus or a term changed, the next reading goes to the database."""
    memo.forget(CATEGORIES_KEY, TERM_TABLE_KEY)


def qualify(text: str) -> list[tuple[NeedCategory, tuple[str, ...]]]:
    """Need categories found in text, with the words that justified each."""
    index = categories()
    found = qualify_text(
        text, [category for _, category in index.values()], production_threshold=settings.ROUTING_PRODUCTION_THRESHOLD
    )
    return [(index[match.category.code][0], match.evidence) for match in found.matches]


def _term_ids(table: TermTable, services: frozenset[str], equipment: frozenset[str]) -> list[int]:
    wanted = [(Vocabulary.SERVICE, code) for code in services] + [(Vocabulary.EQUIPMENT, code) for code in equipment]
    return sorted(table.ids[key] for key in wanted if key in table.ids)


def _rows(sql: str, params: Sequence[object]) -> list[tuple]:
    # Plain SQL on two hot paths: building the same ORM query was a good part of a suggestion's time.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _marks(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _found_within(term_ids: list[int], commune: Commune, km: float) -> dict[int, tuple[float, frozenset[int]]]:
    """Places with one of the terms at a point (their own or a stop) at most km away (road factor included).

    Each with the distance of its nearest point (never more than what the engine will measure: for an
    itinerant unit, it counts the stops only) and which of the terms it has.
    """
    area = index.Area.around(commune.latitude, commune.longitude, km)
    box = area.box
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('place_id')}, {quote('term_id')}, {quote('latitude')}, {quote('longitude')} "
        f"FROM {quote(PlacePoint._meta.db_table)} WHERE {quote('term_id')} IN ({_marks(term_ids)}) "
        f"AND {quote('latitude')} BETWEEN %s AND %s AND {quote('longitude')} BETWEEN %s AND %s"
    )
    params: list[object] = [*term_ids, box.min_lat, box.max_lat, box.min_lon, box.max_lon]
    if area.bands is not None:
        sql += f" AND {quote('band')} IN ({_marks(area.bands)})"
        params += area.bands
    distances: dict[int, float] = {}
    terms: dict[int, set[int]] = {}
    rows = _rows(sql, params)
    for (pk, term_id, _, _), distance in zip(rows, area.distances([row[2:] for row in rows]), strict=True):
        if distance is not None:
            if distance < distances.get(pk, math.inf):
                distances[pk] = distance
            terms.setdefault(pk, set()).add(term_id)
    return {pk: (distance, frozenset(terms[pk])) for pk, distance in distances.items()}


def _candidate_rows(condition: str, params: Sequence[object]) -> list[tuple]:
    quote = connection.ops.quote_name
    place, commune = quote(Place._meta.db_table), quote(Commune._meta.db_table)
    columns = ", ".join(
        [
            f"{place}.{quote('id')}",
            f"{place}.{quote('name')}",
            f"{commune}.{quote('code')}",
            f"{commune}.{quote('name')}",
        ]
        + [
            f"{place}.{quote(name)}"
            for name in ("latitude", "longitude", "status", "is_remote", "verified", "date_maj", "profile")
        ]
    )
    join = f"{commune}.{quote('id')} = {place}.{quote('commune_id')}"
    return _rows(
        f"SELECT {columns} FROM {place} INNER JOIN {commune} ON {join} "
        f"WHERE {place}.{quote('status')} = %s AND {condition}",
        [PlaceStatus.OPEN.value, *params],
    )


def _candidates(ids: Iterable[int], table: TermTable) -> list[Candidate]:
    """The open places among ids as the engine sees them, their profile holding their relations."""
    quote = connection.ops.quote_name
    place = quote(Place._meta.db_table)
    wanted = sorted(ids)
    rows = []
    for start in range(0, len(wanted), ID_CHUNK):
        chunk = wanted[start : start + ID_CHUNK]
        rows += _candidate_rows(f"{place}.{quote('id')} IN ({_marks(chunk)})", chunk)
    return _as_candidates(rows, table)


def _remote_candidates(term_ids: Sequence[int], table: TermTable) -> list[Candidate]:
    """The open remote places offering one of the terms, wherever they are."""
    quote = connection.ops.quote_name
    place, point = quote(Place._meta.db_table), quote(PlacePoint._meta.db_table)
    offers = (
        f"EXISTS (SELECT 1 FROM {point} WHERE {point}.{quote('place_id')} = {place}.{quote('id')} "
        f"AND {point}.{quote('term_id')} IN ({_marks(term_ids)}))"
    )
    # The bare column, as the partial index on remote places is written (SQLite would not use it for "= 1").
    return _as_candidates(_candidate_rows(f"{place}.{quote('is_remote')} AND {offers}", list(term_ids)), table)


def _as_candidates(rows: list[tuple], table: TermTable) -> list[Candidate]:
    codes = table.codes
    today = timezone.localdate()
    candidates = []
    for pk, name, commune_code, commune_name, latitude, longitude, status, is_remote, verified, date_maj, text in rows:
        profile = Profile.load(text)
        confirmed = frozenset(codes[kind] for kind, ok in profile.equipment if ok and kind in codes)
        if isinstance(date_maj, str):  # SQLite gives dates as text
            date_maj = dt.date.fromisoformat(date_maj)
        candidates.append(
            Candidate(
                id=pk,
                name=name,
                commune_code=commune_code,
                commune_name=commune_name,
                latitude=latitude,
                longitude=longitude,
                status=status,
                audiences=frozenset(codes[term] for term in profile.audiences if term in codes),
                accessibility=frozenset(codes[term] for term in profile.accessibility if term in codes),
                accessibility_no=frozenset(codes[term] for term in profile.accessibility_no if term in codes),
                likely_services=frozenset(codes[term] for term in profile.likely_services if term in codes),
                likely_reasons=profile.likely_reasons,
                services=frozenset(codes[term] for term in profile.services if term in codes),
                equipment=confirmed,
                unverified_equipment=frozenset(
                    codes[kind] for kind, ok in profile.equipment if not ok and kind in codes
                )
                - confirmed,
                is_remote=bool(is_remote),
                stops=tuple(Stop(commune_name=stop, latitude=lat, longitude=lon) for stop, lat, lon in profile.stops),
                verified=bool(verified),
                days_since_update=(today - date_maj).days if isinstance(date_maj, dt.date) else None,
            )
        )
    candidates.sort(key=lambda candidate: candidate.id)
    return candidates


def load_candidates(
    *,
    services: frozenset[str],
    equipment: frozenset[str],
    commune: Commune,
    max_km: float,
    table: TermTable | None = None,
) -> list[Candidate]:
    """Open places offering one of the services or machines, within max_km (by a point or a stop), or remote.

    Everything within reach, read at once: what ``suggest`` must give the same answer as (tests compare them).
    """
    table = table or TermTable.load()
    term_ids = _term_ids(table, services, equipment)
    if not term_ids:
        return []
    near = _candidates(_found_within(term_ids, commune, max_km).keys(), table)
    ids = {candidate.id for candidate in near}
    remote = [candidate for candidate in _remote_candidates(term_ids, table) if candidate.id not in ids]
    return sorted(near + remote, key=lambda candidate: candidate.id)


def _routing_request(
    needs: Sequence[Category],
    commune: Commune,
    audience: str,
    quantity: int,
    accessibility: Iterable[str],
    *,
    max_distance_km: float | None = None,
    limit: int = 5,
) -> RoutingRequest:
    return RoutingRequest(
        needs=tuple(needs),
        latitude=commune.latitude,
        longitude=commune.longitude,
        audience=audience,
        quantity=quantity,
        accessibility_needs=frozenset(accessibility),
        max_distance_km=max_distance_km,
        limit=limit,
    )


def suggest(
    *,
    needs: Sequence[Category],
    commune: Commune,
    audience: str = "individual",
    quantity: int = 1,
    accessibility_needs: Iterable[str] = (),
    max_distance_km: float | None = None,
    limit: int = 5,
) -> RoutingResult:
    """The engine's answer over every candidate within reach, reading only as far out as can change it.

    The places that offer what the needs call for are found in widening circles (an eighth of the reach,
    then doubling, or the whole reach at once where places are few), and read nearest first, a few at a
    time. Once the last of the ``limit`` suggestions scores at least what any place farther out could
    score at best (``score_ceiling``), no farther place can enter the list: the answer is the one the
    whole reach would give, and a dense area costs about what a sparse one does.
    """
    table = TermTable.load()
    config = routing_settings(table)
    request = _routing_request(
        needs, commune, audience, quantity, accessibility_needs, max_distance_km=max_distance_km, limit=limit
    )
    services, equipment = needed_codes(request.needs)
    term_ids = _term_ids(table, services, equipment) if needs else []
    required: list[int] = []
    if term_ids and production_required(request, config):
        # Only places doing production runs can answer (a hard rule): read only those that also offer the need.
        required = _term_ids(table, frozenset({PRODUCTION_RUN}), frozenset())
        if not required:
            term_ids = []
    if not term_ids:
        return route(request, [], config)
    reach = max_distance(request, config)
    by_need = [frozenset(_term_ids(table, need.services, need.equipment)) for need in request.needs]
    wanted, offered = frozenset(required), frozenset(term_ids)
    looked_up = sorted(offered | wanted)

    def ceiling(distance: float, terms: frozenset[int]) -> float:
        """The best a place this far with these terms could score (the margin covers rounding)."""
        covered = sum(1 for ids in by_need if not ids.isdisjoint(terms)) / len(by_need)
        return score_ceiling(distance - 1e-3, request, config, covered=covered)

    remote = _remote_candidates(term_ids, table)
    result = route(request, remote, config)
    loaded = {candidate.id for candidate in remote}
    queue: list[tuple[float, int]] = []  # (minus the best score it could reach, place) found but not read yet
    radius = reach * FIRST_CIRCLE_FRACTION

    def settled(best_possible: float) -> bool:
        """Whether a place that can score at most this can no longer enter the list."""
        if len(result.suggestions) < request.limit:
            return False
        last = result.suggestions[-1]
        # A place still unread may cover or state what the last one does not: it would come before it, whatever
        # its score.
        return not last.partial and not last.to_confirm and best_possible <= last.score

    while True:
        radius = min(radius, reach)
        within = _found_within(looked_up, commune, radius)
        if wanted:
            # A hard rule (production runs): the others could never be suggested.
            within = {
                pk: found
                for pk, found in within.items()
                if not wanted.isdisjoint(found[1]) and not offered.isdisjoint(found[1])
            }
        fresh = ((-ceiling(km, terms), pk) for pk, (km, terms) in within.items() if pk not in loaded)
        queue = sorted({*queue, *fresh})
        chunk = FIRST_CHUNK
        while queue and not settled(-queue[0][0]):
            batch, queue = queue[:chunk], queue[chunk:]
            loaded.update(pk for _, pk in batch)
            kept = [suggestion.candidate for suggestion in result.suggestions]
            # The best of everything read so far is the best of the last best and the new ones.
            result = route(request, kept + _candidates((pk for _, pk in batch), table), config)
            chunk *= 2
        # Every place not found yet is beyond the radius, whatever it offers.
        if radius >= reach or settled(score_ceiling(radius - 1e-3, request, config)):
            break
        # Where places are few, the whole reach at once costs less than more circles.
        projected = len(within) * (reach / radius) ** 2 if radius > 0 else 0.0
        radius = reach if projected <= WHOLE_REACH_CANDIDATES else radius * 2
    return route(request, [suggestion.candidate for suggestion in result.suggestions], config)


def _any_admitted(request: RoutingRequest, commune: Commune, table: TermTable, config: RoutingSettings) -> bool:
    """Whether the engine would suggest at least one place for request: the places found in widening circles,
    read nearest first a few at a time, until one passes the hard rules; then the remote places."""
    services, equipment = needed_codes(request.needs)
    term_ids = _term_ids(table, services, equipment)
    required: list[int] = []
    if term_ids and production_required(request, config):
        required = _term_ids(table, frozenset({PRODUCTION_RUN}), frozenset())
        if not required:
            return False
    if not term_ids:
        return False
    one = replace(request, limit=1)
    wanted, offered = frozenset(required), frozenset(term_ids)
    looked_up = sorted(offered | wanted)
    read: set[int] = set()
    reach = max_distance(request, config)
    radius = reach * FIRST_CIRCLE_FRACTION
    while True:
        radius = min(radius, reach)
        within = _found_within(looked_up, commune, radius)
        if wanted:
            within = {
                pk: found
                for pk, found in within.items()
                if not wanted.isdisjoint(found[1]) and not offered.isdisjoint(found[1])
            }
        fresh = sorted((km, pk) for pk, (km, _) in within.items() if pk not in read)
        chunk = FIRST_CHUNK
        while fresh:
            batch, fresh = fresh[:chunk], fresh[chunk:]
            read.update(pk for _, pk in batch)
            if route(one, _candidates((pk for _, pk in batch), table), config).suggestions:
                return True
            chunk *= 2
        if radius >= reach:
            return bool(route(one, _remote_candidates(term_ids, table), config).suggestions)
        projected = len(within) * (reach / radius) ** 2 if radius > 0 else 0.0
        radius = reach if projected <= WHOLE_REACH_CANDIDATES else radius * 2


# Whether some place answers changes only when a place, a vocabulary or a need category does: each answer is kept
# in this process under the tokens those writes renew (directory.kept_pages, memo.forget), so that submissions
# for the same needs in the same commune ask the directory once, and a change shows at the next submission.
# The tokens expire (10 minutes at most): without a shared cache, a change made in another process shows then.
UNMET_KEPT_SECONDS = 600
UNMET_KEPT_MAX = 5000
UNMET_VERSION_KEYS = [LISTS_KEY, TERM_TABLE_KEY, CATEGORIES_KEY]
_unmet_kept: dict[tuple, bool] = {}


def unmet_for(
    *,
    need_categories: Sequence[NeedCategory],
    commune: Commune,
    audience: str,
    quantity: int,
    accessibility_codes: Sequence[str],
) -> bool:
    """Whether no place answers these needs: what for_request would say of a request not written yet.

    Asked on every submission: where the answer is only whether any place passes the engine's rules (one need,
    or no machine need), the first such place found ends the search, instead of ranking the best five.
    """
    index = categories()
    needs = [index[category.code][1] for category in need_categories if category.code in index]
    if not needs:
        return False
    versions = memo.tokens(UNMET_VERSION_KEYS, timeout=UNMET_KEPT_SECONDS)
    asked = (
        *versions,
        tuple(sorted(need.code for need in needs)),
        commune.pk,
        audience,
        quantity,
        tuple(sorted(accessibility_codes)),
    )
    if asked not in _unmet_kept:
        if len(_unmet_kept) >= UNMET_KEPT_MAX:
            _unmet_kept.clear()
        _unmet_kept[asked] = _unmet_now(needs, commune, audience, quantity, accessibility_codes)
    return _unmet_kept[asked]


def _unmet_now(
    needs: list[Category], commune: Commune, audience: str, quantity: int, accessibility_codes: Sequence[str]
) -> bool:
    table = TermTable.load()
    config = routing_settings(table)
    request = _routing_request(needs, commune, audience, quantity, accessibility_codes)
    if unmet_means_none_admitted(request):
        return not _any_admitted(request, commune, table, config)
    return suggest(
        needs=needs,
        commune=commune,
        audience=audience,
        quantity=quantity,
        accessibility_needs=list(accessibility_codes),
    ).unmet


def for_request(request: Request, *, limit: int = 5) -> RoutingResult:
    index = categories()
    codes = list(request.need_links.values_list("category__code", flat=True))
    return suggest(
        needs=[index[code][1] for code in codes if code in index],
        commune=request.commune,
        audience=request.audience,
        quantity=request.quantity,
        accessibility_needs=request.accessibility_needs.values_list("code", flat=True),
        limit=limit,
    )


def explain(request: Request, place_ids: Iterable[int]) -> dict[int, tuple[float, tuple[str, ...]]]:
    """What the engine says of each of these places for this request, as (score, reasons); a place it would not
    suggest (it offers nothing the needs call for, is too far, or breaks a rule) is left out: the coordination
    chose it alone."""
    wanted = sorted(set(place_ids))
    index = categories()
    codes = list(request.need_links.values_list("category__code", flat=True))
    needs = tuple(index[code][1] for code in codes if code in index)
    if not wanted or not needs:
        return {}
    table = TermTable.load()
    config = routing_settings(table)
    routed = RoutingRequest(
        needs=needs,
        latitude=request.commune.latitude,
        longitude=request.commune.longitude,
        audience=request.audience,
        quantity=request.quantity,
        accessibility_needs=frozenset(request.accessibility_needs.values_list("code", flat=True)),
        limit=len(wanted),
    )
    result = route(routed, _candidates(wanted, table), config)
    return {suggestion.candidate.id: (suggestion.score, suggestion.reasons) for suggestion in result.suggestions}


def find_open_places(query: str, *, limit: int = 20) -> list[Place]:
    """Open places whose name (or operator, or summary) or commune holds every word typed, accents and case aside:
    what a coordinator picks a place from when the engine did not suggest it."""
    words = normalize_name(query).split()[:6]
    if not words:
        return []
    places = Place.objects.filter(status=PlaceStatus.OPEN).select_related("commune")
    for word in words:
        places = places.filter(Q(search_text__contains=word) | Q(commune__search_name__contains=word))
    return list(places.order_by("name", "pk")[:limit])


class ThesaurusReader:
    """The need thesaurus as the public search reads it (directory/needs.py): the terms that answer the
    categories a text speaks of, and the phrases it knows, for typo correction."""

    def terms_for(self, text: str) -> list[tuple[str, str]]:
        index = categories()
        found: list[tuple[str, str]] = []
        for row, _ in qualify(text):
            category = index[row.code][1]
            found += [(Vocabulary.SERVICE, code) for code in sorted(category.services)]
            found += [(Vocabulary.EQUIPMENT, code) for code in sorted(category.equipment)]
        return list(dict.fromkeys(found))

    def phrases(self) -> list[str]:
        return [phrase for _, category in categories().values() for phrase in (category.label, *category.synonyms)]


THESAURUS_READER = ThesaurusReader()
