"""Properties of the routing engine over random places and requests, against a plain restatement of its rules."""

import dataclasses
import itertools
import math

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from aiguillage.lib.geo import haversine_km
from routing import Candidate, Category, RoutingRequest, RoutingResult, RoutingSettings, Stop, route
from routing.engine import AUDIENCES

SERVICES = ("project_support", "fabrication_service", "production_run", "training", "safe_digital")
EQUIPMENT = ("3d_printer", "3d_scanner", "embroidery_machine", "heat_press")
ACCESSIBILITY = ("wheelchair_access", "motor_disability", "deaf", "visual_impairment")
STATUSES = ("open", "closed", "temporarily_closed")
CATEGORIES = (
    Category("3d_printing", "Impression 3D", equipment=frozenset({"3d_printer"})),
    Category("3d_scanning", "Numérisation 3D", equipment=frozenset({"3d_scanner"})),
    Category("embroidery", "Broderie", equipment=frozenset({"embroidery_machine"})),
    Category("textile", "Flocage", equipment=frozenset({"heat_press"}), services=frozenset({"fabrication_service"})),
    Category("project", "Projet", services=frozenset({"project_support", "fabrication_service"})),
    Category("training", "Formation", services=frozenset({"training"})),
    Category("cyber", "Cybersécurité", services=frozenset({"safe_digital"})),
    Category("series", "Série", services=frozenset({"production_run"}), production_run=True),
)

latitudes = st.floats(46.4, 47.7, allow_nan=False)
longitudes = st.floats(2.7, 4.4, allow_nan=False)
stops = st.builds(Stop, st.sampled_from(("Luzy", "Lormes", "Clamecy", "Decize")), latitudes, longitudes)


def code_sets(codes: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    # Drawing one of the prepared subsets is much cheaper than drawing their elements one by one.
    subsets = [
        frozenset(combination) for size in range(len(codes) + 1) for combination in itertools.combinations(codes, size)
    ]
    return st.sampled_from(subsets)


candidates = st.builds(
    Candidate,
    id=st.just(0),
    name=st.sampled_from(("A", "B", "C")),
    commune_code=st.just("58000"),
    commune_name=st.just("Commune"),
    latitude=latitudes,
    longitude=longitudes,
    status=st.just("open") | st.sampled_from(STATUSES),
    audiences=st.just(frozenset(AUDIENCES)) | code_sets(AUDIENCES),
    accessibility=code_sets(ACCESSIBILITY),
    accessibility_no=code_sets(ACCESSIBILITY),
    services=code_sets(SERVICES),
    equipment=code_sets(EQUIPMENT),
    unverified_equipment=code_sets(EQUIPMENT),
    is_remote=st.booleans(),
    stops=st.lists(stops, max_size=3).map(tuple),
    verified=st.booleans(),
    days_since_update=st.none() | st.integers(0, 3000),
)
places = (
    st.integers(0, 25)
    .flatmap(lambda size: st.lists(candidates, min_size=size, max_size=size))
    .map(lambda drawn: [dataclasses.replace(candidate, id=index) for index, candidate in enumerate(drawn)])
)
requests = st.builds(
    RoutingRequest,
    needs=st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True).map(tuple),
    latitude=latitudes,
    longitude=longitudes,
    audience=st.sampled_from(AUDIENCES),
    # Mostly plain requests, so that many examples have suggestions; sometimes runs and several needs.
    quantity=st.integers(1, 10) | st.integers(1, 500),
    accessibility_needs=st.just(frozenset()) | code_sets(ACCESSIBILITY[:2]) | code_sets(ACCESSIBILITY),
    max_distance_km=st.none() | st.floats(0, 150, allow_nan=False),
    limit=st.integers(1, 10),
)
routing_settings = st.builds(
    RoutingSettings,
    production_threshold=st.integers(2, 200),
    default_max_distance_km=st.floats(5, 120, allow_nan=False),
    road_factor=st.floats(1.0, 1.6, allow_nan=False),
)
# No example database on disk; a loaded CI machine must not fail a test for drawing its data slowly.
examples = hypothesis_settings(
    deadline=None, database=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)


def reach(request: RoutingRequest, settings: RoutingSettings) -> float:
    chosen = settings.default_max_distance_km if request.max_distance_km is None else request.max_distance_km
    return max(0.0, chosen)


def road_km(place: Candidate, request: RoutingRequest, settings: RoutingSettings) -> float:
    points = [(stop.latitude, stop.longitude) for stop in place.stops] or [(place.latitude, place.longitude)]
    return min(haversine_km(request.latitude, request.longitude, *point) for point in points) * settings.road_factor


def production_needed(request: RoutingRequest, settings: RoutingSettings) -> bool:
    return request.quantity >= settings.production_threshold or any(need.production_run for need in request.needs)


def offers_a_need(place: Candidate, request: RoutingRequest) -> bool:
    offered = place.services | place.equipment | place.unverified_equipment
    return any(offered & (need.services | need.equipment) for need in request.needs)


def offers(place: Candidate, need: Category) -> bool:
    offered = place.services | place.likely_services | place.equipment | place.unverified_equipment
    return bool(offered & (need.services | need.equipment))


def says_yes(place: Candidate, need: str) -> bool:
    return need in place.accessibility or (need == "motor_disability" and "wheelchair_access" in place.accessibility)


def accessible(place: Candidate, request: RoutingRequest) -> bool:
    """Unknown is not no: only a need the record says no to (and not yes) keeps a place out."""
    return not any(need in place.accessibility_no and not says_yes(place, need) for need in request.accessibility_needs)


def stated(place: Candidate, request: RoutingRequest) -> bool:
    return all(says_yes(place, need) for need in request.accessibility_needs)


def eligible(place: Candidate, request: RoutingRequest, settings: RoutingSettings) -> bool:
    return (
        place.status == "open"
        and offers_a_need(place, request)
        and (not place.audiences or request.audience in place.audiences)
        and accessible(place, request)
        and (not production_needed(request, settings) or "production_run" in place.services)
        and (place.is_remote or road_km(place, request, settings) <= reach(request, settings))
    )


def near_the_edge(place: Candidate, request: RoutingRequest, settings: RoutingSettings) -> bool:
    return not place.is_remote and math.isclose(road_km(place, request, settings), reach(request, settings))


@examples
@given(places, requests, routing_settings)
def test_suggestions_never_break_a_hard_rule(
    candidates: list[Candidate], request: RoutingRequest, settings: RoutingSettings
) -> None:
    result = route(request, candidates, settings)
    for suggestion in result.suggestions:
        place = suggestion.candidate
        assert place.status == "open"
        assert not place.audiences or request.audience in place.audiences
        assert accessible(place, request)
        assert suggestion.to_confirm == (not stated(place, request))
        assert suggestion.missing == tuple(need.label for need in request.needs if not offers(place, need))
        if production_needed(request, settings):
            assert "production_run" in place.services
        assert offers_a_need(place, request)
        if place.is_remote:
            assert suggestion.distance_km is None
        else:
            assert suggestion.distance_km is not None
            assert suggestion.distance_km <= reach(request, settings)
            assert math.isclose(suggestion.distance_km, road_km(place, request, settings), abs_tol=1e-9)


@examples
@given(places, requests, routing_settings)
def test_suggestions_are_sorted_by_score_and_limited(
    candidates: list[Candidate], request: RoutingRequest, settings: RoutingSettings
) -> None:
    suggestions = route(request, candidates, settings).suggestions
    assert len(suggestions) <= request.limit
    keys = [
        (
            s.partial,
            s.to_confirm,
            -s.score,
            math.inf if s.distance_km is None else s.distance_km,
            s.candidate.name,
            s.candidate.id,
        )
        for s in suggestions
    ]
    assert keys == sorted(keys)
    assert all(
        (a.partial, a.to_confirm) < (b.partial, b.to_confirm) or a.score >= b.score
        for a, b in zip(suggestions, suggestions[1:], strict=False)
    )
    assert all(suggestion.reasons for suggestion in suggestions)


@examples
@given(places, requests, routing_settings)
def test_every_eligible_place_within_reach_is_suggested_when_the_limit_allows(
    candidates: list[Candidate], request: RoutingRequest, settings: RoutingSettings
) -> None:
    unlimited = dataclasses.replace(request, limit=len(candidates) + 1)
    result = route(unlimited, candidates, settings)
    suggested = {suggestion.candidate.id for suggestion in result.suggestions}
    for place in candidates:
        if near_the_edge(place, request, settings):
            continue  # a rounding away from the boundary either way
        assert (place.id in suggested) == eligible(place, request, settings), place
    machine_left_out = any(
        need.equipment and not need.services and not any(offers(s.candidate, need) for s in result.suggestions)
        for need in request.needs
    )
    assert result.unmet == (not result.suggestions or machine_left_out)


@examples
@given(places, requests, routing_settings, st.data())
def test_routing_is_deterministic_and_ignores_candidate_order(
    candidates: list[Candidate], request: RoutingRequest, settings: RoutingSettings, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(candidates))
    first: RoutingResult = route(request, candidates, settings)
    assert route(request, candidates, settings) == first
    assert route(request, shuffled, settings) == first
    assert route(request, iter(candidates), settings) == first


@hypothesis_settings(examples, max_examples=50)
@given(places, requests, routing_settings)
def test_without_any_need_nothing_is_routed_and_nothing_is_unmet(
    candidates: list[Candidate], request: RoutingRequest, settings: RoutingSettings
) -> None:
    result = route(dataclasses.replace(request, needs=()), candidates, settings)
    assert result.suggestions == ()
    assert not result.unmet
