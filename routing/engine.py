"""The routing engine: which places answer a qualified need, in which order, and why (in French).

Hard rules, never traded against a score:

- only places whose status is "open" are suggested: neither "closed" nor "temporarily_closed" (nor a status this
  module does not know);
- a place must offer at least one service or equipment (confirmed or not) that a need calls for. A record that lists
  no service may carry the services its type or label makes likely (``Candidate.likely_services``): they count, less
  than stated ones, and such a place comes after every place that states what is needed ("à confirmer");
- the place accepts the requester's audience. A place that lists no audience at all accepts everyone, but scores
  lower and says "public accueilli non précisé": most imported records say nothing, and hiding them would empty the
  map of the rural places that need it most;
- unknown is not no: a place is left out only when its record says "no" to an accessibility need the request
  states. One equivalence: "motor_disability" is also met by "wheelchair_access" (a place a wheelchair enters serves
  people with motor disabilities); the reverse is not assumed. A place whose record does not say whether it meets
  a need is suggested after every place that says it does (``Suggestion.to_confirm``), with "appelez avant";
- when a production run is needed (a quantity at or above the threshold, or a need flagged ``production_run``), only
  places with the service "production_run"; the machine the pieces are made with is a need of its own, so that a
  place doing runs without that machine is partial (below);
- a place beyond the maximum distance is not suggested, unless it is a remote service. An itinerant unit with stops
  is as near as its nearest stop (its home base, where nobody meets it, is ignored).

Each need the text states is covered or not by each place. Order: the places that cover every need first, then the
partial ones (``Suggestion.missing`` names what they lack); within each, the places whose record states everything
the request needs, then the others ("à confirmer"); within each, the score. Score: fit (share of the needs covered;
a service only likely counts less), proximity (linear from 1 at the requester's commune to 0 at the maximum
distance; a remote service gets a fixed middle value) and freshness of the record, weighted by ``RoutingSettings``.
A machine the place has not confirmed costs what ``unconfirmed_equipment_km`` more kilometres cost: a little, never
as much as tens of kilometres. Ties break on distance, then name, then id.

With no need at all, nothing is routed and the result is not unmet: the request is "à qualifier" by a person. With
needs but no place within reach, the result is unmet, with the French message shown to the requester. It is unmet
too when a machine the text asks for (a need answered by equipment only) is covered by none of the suggestions:
the answer says which needs no suggestion covers (``RoutingResult.uncovered``).
"""

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from aiguillage.lib.geo import EARTH_RADIUS_KM
from routing import labels
from routing.qualify import DEFAULT_PRODUCTION_THRESHOLD, Category

OPEN = "open"
PRODUCTION_RUN = "production_run"
MOTOR_DISABILITY = "motor_disability"
WHEELCHAIR_ACCESS = "wheelchair_access"
AUDIENCES = ("individual", "professional", "association", "public_body", "school")
# A degree of latitude is never shorter than this on the ground: enough to skip far places before trigonometry.
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180 * 0.999
_RADIANS = math.pi / 180
_sin, _cos, _asin, _sqrt = math.sin, math.cos, math.asin, math.sqrt


@dataclass(frozen=True)
class Stop:
    commune_name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Candidate:
    """A place as the engine sees it. ``equipment`` is confirmed by the place, ``unverified_equipment`` is not."""

    id: int
    name: str
    commune_code: str
    commune_name: str
    latitude: float
    longitude: float
    status: str
    audiences: frozenset[str]
    # Accessibility codes the record says yes to; ``accessibility_no`` those it says no to; the others are unknown.
    accessibility: frozenset[str]
    services: frozenset[str]
    equipment: frozenset[str]
    unverified_equipment: frozenset[str] = frozenset()
    is_remote: bool = False
    stops: tuple[Stop, ...] = ()
    verified: bool = False
    days_since_update: int | None = None
    accessibility_no: frozenset[str] = frozenset()
    # Services the place's type or label makes likely (its record lists none), and why, in French.
    likely_services: frozenset[str] = frozenset()
    likely_reasons: tuple[str, ...] = ()

    def offers(self, services: frozenset[str], equipment: frozenset[str]) -> bool:
        return not (
            services.isdisjoint(self.services)
            and services.isdisjoint(self.likely_services)
            and equipment.isdisjoint(self.equipment)
            and equipment.isdisjoint(self.unverified_equipment)
        )


@dataclass(frozen=True)
class RoutingRequest:
    needs: tuple[Category, ...]
    latitude: float
    longitude: float
    audience: str = "individual"
    quantity: int = 1
    accessibility_needs: frozenset[str] = frozenset()
    max_distance_km: float | None = None
    limit: int = 5


@dataclass(frozen=True)
class RoutingSettings:
    production_threshold: int = DEFAULT_PRODUCTION_THRESHOLD
    default_max_distance_km: float = 60.0
    # Great-circle kilometres times this factor approximate road kilometres (about 1.3 in the countryside).
    road_factor: float = 1.0
    weight_fit: float = 0.55
    weight_distance: float = 0.3
    weight_freshness: float = 0.15
    # A need covered only by a machine the place has not confirmed costs as much as being this many kilometres
    # farther (shared out over the needs): "à confirmer" is a call to make, a long drive is worse.
    unconfirmed_equipment_km: float = 8.0
    # What a need covered only by a service the place's type makes likely is worth, against 1 for a stated one.
    likely_service_factor: float = 0.5
    # The proximity score of a remote service, between 0 (at the maximum distance) and 1 (next door).
    remote_proximity: float = 0.5
    unknown_audience_penalty: float = 0.1
    # A record checked within fresh_days is fresh; its freshness then falls to nothing at stale_days.
    fresh_days: int = 365
    stale_days: int = 1095
    # What a record never verified by anyone is worth, against 1 for a verified one of the same age.
    unverified_freshness: float = 0.5
    # French labels of vocabulary codes (services, equipment, audiences, accessibility) that reasons fall back on.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    # None for a remote service: distance does not apply.
    distance_km: float | None
    reasons: tuple[str, ...]
    # The record does not state something the request needs (a service, accessibility): to check with the place.
    to_confirm: bool = False
    # The labels of the needs this place does not cover: a partial answer.
    missing: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.missing)


@dataclass(frozen=True)
class RoutingResult:
    suggestions: tuple[Suggestion, ...]
    unmet: bool
    message: str
    # Needs that none of the suggestions covers (an unmet part of a request that is otherwise answered).
    uncovered: tuple[Category, ...] = ()


DEFAULT_SETTINGS = RoutingSettings()


def is_machine_need(need: Category) -> bool:
    """A need only a machine answers (3D printing, embroidery…): it cannot be left out of a suggestion."""
    return bool(need.equipment) and not need.services


def unmet_means_none_admitted(request: RoutingRequest) -> bool:
    """Whether ``route(request, …).unmet`` only says that no candidate passes the hard rules.

    Every place admitted covers at least one need: with a single need it covers that one, and when no need is a
    machine need a partial answer is still an answer. Only several needs with a machine among them make the
    ranking matter (the machine may be missing from the first suggestions).
    """
    return len(request.needs) == 1 or not any(is_machine_need(need) for need in request.needs)


def needed_codes(needs: Iterable[Category]) -> tuple[frozenset[str], frozenset[str]]:
    """The services and the equipment that answer any of the needs: what to pre-select candidates with."""
    services: set[str] = set()
    equipment: set[str] = set()
    for need in needs:
        services |= need.services
        equipment |= need.equipment
    return frozenset(services), frozenset(equipment)


def production_required(request: RoutingRequest, settings: RoutingSettings = DEFAULT_SETTINGS) -> bool:
    return request.quantity >= settings.production_threshold or any(need.production_run for need in request.needs)


def max_distance(request: RoutingRequest, settings: RoutingSettings = DEFAULT_SETTINGS) -> float:
    chosen = request.max_distance_km if request.max_distance_km is not None else settings.default_max_distance_km
    return max(0.0, chosen)


def score_ceiling(
    distance_km: float | None,
    request: RoutingRequest,
    settings: RoutingSettings = DEFAULT_SETTINGS,
    *,
    covered: float = 1.0,
) -> float:
    """The highest score a place at least distance_km away could reach (None: a remote service).

    ``covered`` is the share of the needs the place could cover at best (1 when unknown). A record as
    fresh as can be: no such place can score more. Callers that feed candidates best first stop once
    this falls below the last suggestion kept.
    """
    reach_km = max_distance(request, settings)
    if distance_km is None:
        proximity = settings.remote_proximity
    elif reach_km <= 0:
        proximity = 1.0
    else:
        proximity = max(0.0, 1.0 - max(0.0, distance_km) / reach_km)
    return (
        max(0.0, settings.weight_fit) * covered
        + max(0.0, settings.weight_distance) * proximity
        + max(0.0, settings.weight_freshness)
    )


def meets_accessibility(place: frozenset[str], needs: frozenset[str]) -> bool:
    """Whether the record says yes to every need."""
    return all(need in place or (need == MOTOR_DISABILITY and WHEELCHAIR_ACCESS in place) for need in needs)


def unstated_accessibility(candidate: Candidate, needs: frozenset[str]) -> frozenset[str] | None:
    """The needs the record says nothing of; None when it says no to one of them (the place cannot be suggested)."""
    unknown = set()
    for need in needs:
        if need in candidate.accessibility or (
            need == MOTOR_DISABILITY and WHEELCHAIR_ACCESS in candidate.accessibility
        ):
            continue
        if need in candidate.accessibility_no:
            return None
        unknown.add(need)
    return frozenset(unknown)


class _Scored(NamedTuple):
    candidate: Candidate
    score: float
    distance_km: float | None
    stop: Stop | None
    unstated: frozenset[str]
    guessed: bool  # some need is covered only by a likely service


class _Reach:
    """Road distances from the requester, skipping the trigonometry for points obviously out of reach.

    The great-circle formula is the one of ``aiguillage.lib.geo.haversine_km``, with the requester's side computed
    once: routing measures thousands of places per request.
    """

    def __init__(self, latitude: float, longitude: float, reach_km: float, road_factor: float) -> None:
        self.latitude, self.longitude = latitude, longitude
        self._phi = math.radians(latitude)
        self._cos_phi = math.cos(self._phi)
        self._lambda = math.radians(longitude)
        self._scale = 2 * EARTH_RADIUS_KM * road_factor
        if road_factor <= 0:
            self.latitude_margin = self.longitude_margin = math.inf
            return
        # Margins in degrees, a little wider than the reach so that rounding never drops a place within it.
        self.latitude_margin = reach_km / (road_factor * _KM_PER_DEGREE)
        cos_widest = math.cos(math.radians(min(90.0, abs(latitude) + self.latitude_margin)))
        self.longitude_margin = self.latitude_margin * 1.01 / cos_widest if cos_widest > 0.01 else math.inf

    def km(self, latitude: float, longitude: float) -> float:
        if (
            abs(latitude - self.latitude) > self.latitude_margin
            or abs(longitude - self.longitude) > self.longitude_margin
        ):
            return math.inf
        phi = latitude * _RADIANS
        a = (
            _sin((phi - self._phi) * 0.5) ** 2
            + self._cos_phi * _cos(phi) * _sin((longitude * _RADIANS - self._lambda) * 0.5) ** 2
        )
        return self._scale * _asin(min(1.0, _sqrt(a)))

    def nearest(self, candidate: Candidate) -> tuple[float, Stop | None]:
        """Distance to the place, or to the nearest stop of an itinerant unit; infinite when obviously too far."""
        if not candidate.stops:
            return self.km(candidate.latitude, candidate.longitude), None
        nearest, nearest_stop = math.inf, None
        for stop in candidate.stops:
            distance = self.km(stop.latitude, stop.longitude)
            if distance < nearest or (
                distance == nearest and nearest_stop is not None and stop.commune_name < nearest_stop.commune_name
            ):
                nearest, nearest_stop = distance, stop
        return nearest, nearest_stop


def route(
    request: RoutingRequest, candidates: Iterable[Candidate], settings: RoutingSettings = DEFAULT_SETTINGS
) -> RoutingResult:
    if request.limit < 1:
        raise ValueError("limit must be at least 1")
    if not request.needs:
        return RoutingResult((), unmet=False, message=labels.TO_QUALIFY_MESSAGE)
    services, equipment = needed_codes(request.needs)
    needs = [(need.services, need.equipment) for need in request.needs]
    production = production_required(request, settings)
    reach_km = max_distance(request, settings)
    reach = _Reach(request.latitude, request.longitude, reach_km, settings.road_factor)
    audience = request.audience
    accessibility_needs = request.accessibility_needs
    weight_fit = settings.weight_fit / len(needs)
    weight_distance, weight_freshness = settings.weight_distance, settings.weight_freshness
    penalty = settings.unknown_audience_penalty

    proximity_per_km = 1.0 / reach_km if reach_km > 0 else 0.0
    # What one need covered by an unconfirmed machine only takes off the score.
    unconfirmed_km = max(0.0, settings.unconfirmed_equipment_km)
    unconfirmed_cost = weight_distance * (min(1.0, unconfirmed_km / reach_km) if reach_km > 0 else 0.0) / len(needs)
    remote_proximity = settings.remote_proximity
    # Sort keys first, then what the suggestion needs; the position makes every key unique.
    ranked: list[
        tuple[bool, bool, float, float, str, int, int, Candidate, float | None, Stop | None, frozenset[str], bool]
    ] = []
    likely_factor = settings.likely_service_factor
    for candidate in candidates:
        if candidate.status != OPEN:
            continue
        offered_services, offered_equipment = candidate.services, candidate.equipment
        if production and PRODUCTION_RUN not in offered_services:
            continue
        unverified, likely = candidate.unverified_equipment, candidate.likely_services
        if (
            services.isdisjoint(offered_services)
            and equipment.isdisjoint(offered_equipment)
            and equipment.isdisjoint(unverified)
            and services.isdisjoint(likely)
        ):
            continue
        audiences = candidate.audiences
        if audiences and audience not in audiences:
            continue
        unstated: frozenset[str] = frozenset()
        if accessibility_needs:
            found = unstated_accessibility(candidate, accessibility_needs)
            if found is None:
                continue
            unstated = found
        if candidate.is_remote:
            distance: float | None = None
            stop: Stop | None = None
            proximity = remote_proximity
            distance_key = math.inf
        else:
            if candidate.stops:
                distance_key, stop = reach.nearest(candidate)
            else:
                distance_key, stop = reach.km(candidate.latitude, candidate.longitude), None
            if distance_key > reach_km:
                continue
            distance = distance_key
            proximity = 1.0 - distance_key * proximity_per_km if reach_km > 0 else 1.0
        fit = 0.0
        guessed = False
        partial = False
        unconfirmed_needs = 0
        for need_services, need_equipment in needs:
            if not need_services.isdisjoint(offered_services) or not need_equipment.isdisjoint(offered_equipment):
                fit += 1.0
            elif not need_equipment.isdisjoint(unverified):
                fit += 1.0
                unconfirmed_needs += 1
            elif not need_services.isdisjoint(likely):
                fit += likely_factor
                guessed = True
            else:
                partial = True
        days = candidate.days_since_update
        freshness = 0.0 if days is None else _freshness(days, candidate.verified, settings)
        score = weight_fit * fit + weight_distance * proximity + weight_freshness * freshness
        score -= unconfirmed_cost * unconfirmed_needs
        if not audiences:
            score -= penalty
        to_confirm = bool(unstated) or guessed
        entry = (partial, to_confirm, -score, distance_key, candidate.name, candidate.id, len(ranked))
        ranked.append((*entry, candidate, distance, stop, unstated, guessed))

    if not ranked:
        return RoutingResult((), unmet=True, message=labels.unmet_message(reach_km))
    best = [
        _Scored(entry[7], -entry[2], entry[8], entry[9], entry[10], entry[11])
        for entry in heapq.nsmallest(request.limit, ranked)
    ]
    suggestions = []
    for item in best:
        missing = tuple(
            need.label for need in request.needs if not item.candidate.offers(need.services, need.equipment)
        )
        reasons = _reasons(item, request, production, settings)
        if missing:
            reasons = (labels.missing_reason(missing), *reasons)
        suggestions.append(
            Suggestion(
                item.candidate,
                item.score,
                item.distance_km,
                reasons,
                to_confirm=bool(item.unstated) or item.guessed,
                missing=missing,
            )
        )
    uncovered = tuple(
        need for need in request.needs if not any(item.candidate.offers(need.services, need.equipment) for item in best)
    )
    unmet = any(is_machine_need(need) for need in uncovered)
    message = labels.found_message(len(suggestions), tuple(need.label for need in uncovered), unmet=unmet)
    return RoutingResult(tuple(suggestions), unmet=unmet, message=message, uncovered=uncovered)


def _freshness(days: int, verified: bool, settings: RoutingSettings) -> float:
    if days <= settings.fresh_days:
        age = 1.0
    elif days >= settings.stale_days:
        age = 0.0
    else:
        age = 1.0 - (days - settings.fresh_days) / (settings.stale_days - settings.fresh_days)
    return age if verified else age * settings.unverified_freshness


def _reasons(item: _Scored, request: RoutingRequest, production: bool, settings: RoutingSettings) -> tuple[str, ...]:
    candidate, names = item.candidate, settings.labels
    reasons: list[str] = []
    for need in request.needs:
        for code in sorted(need.equipment & candidate.equipment):
            reasons.append(labels.equipment_reason(code, names, confirmed=True))
        for code in sorted(need.equipment & (candidate.unverified_equipment - candidate.equipment)):
            reasons.append(labels.equipment_reason(code, names, confirmed=False))
        for code in sorted(need.services & candidate.services):
            reasons.append(labels.service_reason(code, names))
        if not need.services & candidate.services and not need.equipment & (
            candidate.equipment | candidate.unverified_equipment
        ):
            for code in sorted(need.services & candidate.likely_services):
                reasons.append(labels.likely_service_reason(code, names))
    if item.guessed:
        reasons.extend(labels.likely_why(reason) for reason in candidate.likely_reasons)
    if production:
        reasons.append(labels.service_reason(PRODUCTION_RUN, names))
    if candidate.audiences:
        reasons.append(labels.audience_reason(request.audience, names))
    else:
        reasons.append(labels.AUDIENCE_UNKNOWN)
    for code in sorted(request.accessibility_needs - item.unstated):
        met_by = code if code in candidate.accessibility else WHEELCHAIR_ACCESS
        reasons.append(labels.accessibility_reason(met_by, names))
    if item.unstated:
        reasons.append(labels.accessibility_unknown_reason(sorted(item.unstated), names))
    if candidate.is_remote:
        reasons.append(labels.REMOTE)
    else:
        if item.stop is not None:
            reasons.append(labels.stop_reason(item.stop.commune_name))
        if item.distance_km is not None:
            reasons.append(labels.distance_reason(item.distance_km))
    if not candidate.verified:
        reasons.append(labels.UNVERIFIED)
    elif candidate.days_since_update is not None and candidate.days_since_update <= settings.fresh_days:
        reasons.append(labels.FRESH)
    return tuple(dict.fromkeys(reasons))
