from collections.abc import Iterable

import pytest

from aiguillage.lib.geo import haversine_km
from routing import (
    Candidate,
    Category,
    RoutingRequest,
    RoutingSettings,
    Stop,
    load_thesaurus,
    needed_codes,
    qualify,
    route,
)

DECIZE = (46.8283, 3.4617)
PREMERY = (47.170, 3.330)
NEVERS = (46.9908, 3.1590)
LUZY = (46.7903, 3.9703)
CLAMECY = (47.4597, 3.5197)
DIJON = (47.3220, 5.0415)

UNMET_60 = "Aucun lieu ne répond à ce besoin à moins de 60 km. La demande est enregistrée comme besoin non couvert."

CATEGORIES = {category.code: category for category in load_thesaurus()}


def need(*codes: str) -> tuple[Category, ...]:
    return tuple(CATEGORIES[code] for code in codes)


def place(
    id: int,
    name: str,
    point: tuple[float, float],
    *,
    commune: str = "",
    status: str = "open",
    audiences: Iterable[str] = ("individual", "professional", "association", "public_body", "school"),
    accessibility: Iterable[str] = (),
    accessibility_no: Iterable[str] = (),
    services: Iterable[str] = (),
    equipment: Iterable[str] = (),
    unverified: Iterable[str] = (),
    remote: bool = False,
    stops: tuple[Stop, ...] = (),
    verified: bool = True,
    days: int | None = 30,
) -> Candidate:
    return Candidate(
        id=id,
        name=name,
        commune_code="",
        commune_name=commune or name,
        latitude=point[0],
        longitude=point[1],
        status=status,
        audiences=frozenset(audiences),
        accessibility=frozenset(accessibility),
        accessibility_no=frozenset(accessibility_no),
        services=frozenset(services),
        equipment=frozenset(equipment),
        unverified_equipment=frozenset(unverified),
        is_remote=remote,
        stops=stops,
        verified=verified,
        days_since_update=days,
    )


def request(needs: tuple[Category, ...], point: tuple[float, float] = DECIZE, **options: object) -> RoutingRequest:
    return RoutingRequest(needs, point[0], point[1], **options)  # type: ignore[arg-type]


def names(result_places: Iterable[object]) -> list[str]:
    return [suggestion.candidate.name for suggestion in result_places]  # type: ignore[attr-defined]


# The committee's cases


def test_the_decize_shoe_shop_gets_the_place_with_a_3d_scanner_with_reasons() -> None:
    fablab = place(1, "Fablab de Nevers", NEVERS, equipment={"3d_scanner", "3d_printer"})
    library = place(2, "Médiathèque de Decize", DECIZE, equipment={"3d_printer"}, services={"initiation"})
    result = route(request(need("3d_scanning"), audience="professional"), [library, fablab])
    assert names(result.suggestions) == ["Fablab de Nevers"]
    assert not result.unmet
    reasons = result.suggestions[0].reasons
    assert reasons[:3] == ("dispose d'un scanner 3D", "accueille les professionnels", "à 29 km")


def test_the_shoe_shop_request_routes_from_its_own_words() -> None:
    qualification = qualify("scanner les pieds de mes clients en 3D", list(CATEGORIES.values()))
    fablab = place(1, "Fablab de Nevers", NEVERS, equipment={"3d_scanner"})
    result = route(request(qualification.categories, audience="professional"), [fablab])
    assert names(result.suggestions) == ["Fablab de Nevers"]


def test_it_routes_series_to_production_places_even_when_a_fablab_is_nearer() -> None:
    qualification = qualify("broder 300 t-shirts", list(CATEGORIES.values()))
    fablab = place(1, "Fablab de Decize", DECIZE, equipment={"embroidery_machine"})
    ebe = place(2, "EBE 58", PREMERY, commune="Prémery", equipment={"embroidery_machine"}, services={"production_run"})
    result = route(
        request(qualification.categories, audience="professional", quantity=qualification.quantity or 1),
        [fablab, ebe],
    )
    assert names(result.suggestions) == ["EBE 58"]
    assert "réalise des séries" in result.suggestions[0].reasons
    assert "dispose d'une brodeuse numérique" in result.suggestions[0].reasons


def test_a_quantity_from_the_form_alone_requires_a_production_place() -> None:
    fablab = place(1, "Fablab de Decize", DECIZE, equipment={"embroidery_machine"})
    ebe = place(2, "EBE 58", PREMERY, equipment={"embroidery_machine"}, services={"production_run"})
    series = route(request(need("embroidery"), quantity=300), [fablab, ebe])
    assert names(series.suggestions) == ["EBE 58"]
    assert "réalise des séries" in series.suggestions[0].reasons
    few = route(request(need("embroidery"), quantity=5), [fablab, ebe])
    assert names(few.suggestions) == ["Fablab de Decize", "EBE 58"]


@pytest.mark.parametrize("status", ["closed", "temporarily_closed"])
def test_a_closed_place_is_never_suggested_even_if_perfect_and_nearest(status: str) -> None:
    perfect = place(1, "Fablab fermé", DECIZE, status=status, equipment={"3d_scanner"}, services={"production_run"})
    open_place = place(2, "Fablab de Nevers", NEVERS, equipment={"3d_scanner"}, unverified={"3d_printer"}, days=None)
    result = route(request(need("3d_scanning")), [perfect, open_place])
    assert names(result.suggestions) == ["Fablab de Nevers"]


def test_only_closed_places_leave_the_need_unmet() -> None:
    closed = place(1, "Fablab fermé", DECIZE, status="closed", equipment={"3d_scanner"})
    result = route(request(need("3d_scanning")), [closed])
    assert result.unmet
    assert result.message == UNMET_60


def test_a_wheelchair_user_gets_an_accessible_place_before_an_unknown_one_even_if_it_is_nearer() -> None:
    unknown = place(1, "Cyber-base", DECIZE, services={"digital_understanding"})
    accessible = place(
        2, "France Services", NEVERS, services={"digital_understanding"}, accessibility={"wheelchair_access"}
    )
    result = route(
        request(need("ai_understanding"), accessibility_needs=frozenset({"wheelchair_access"})), [unknown, accessible]
    )
    assert names(result.suggestions) == ["France Services", "Cyber-base"]
    first, second = result.suggestions
    assert "accessible en fauteuil roulant" in first.reasons
    assert not first.to_confirm
    # Unknown is not no: the nearer place is offered, after, with what to check.
    assert second.to_confirm
    assert "accessibilité non renseignée (accessible en fauteuil roulant) : appelez avant" in second.reasons
    assert "accessible en fauteuil roulant" not in second.reasons
    assert not result.unmet


def test_only_a_place_that_says_no_to_an_accessibility_need_is_left_out() -> None:
    upstairs = place(
        1, "Cyber-base à l'étage", DECIZE, services={"digital_understanding"}, accessibility_no={"wheelchair_access"}
    )
    unknown = place(2, "Médiathèque", NEVERS, services={"digital_understanding"})
    result = route(
        request(need("ai_understanding"), accessibility_needs=frozenset({"wheelchair_access"})), [upstairs, unknown]
    )
    assert names(result.suggestions) == ["Médiathèque"]
    only_no = route(request(need("ai_understanding"), accessibility_needs=frozenset({"wheelchair_access"})), [upstairs])
    assert only_no.unmet
    # Without the need, "no" changes nothing.
    assert names(route(request(need("ai_understanding")), [upstairs]).suggestions) == ["Cyber-base à l'étage"]


def test_the_order_by_stated_accessibility_holds_against_distance_freshness_and_audience() -> None:
    far_and_old = place(
        1,
        "Loin mais accessible",
        NEVERS,
        services={"safe_digital"},
        accessibility={"wheelchair_access"},
        audiences=(),
        verified=False,
        days=None,
    )
    near_and_fresh = place(2, "Tout près", DECIZE, services={"safe_digital"}, days=1)
    result = route(
        request(need("cybersecurity"), accessibility_needs=frozenset({"wheelchair_access"})),
        [near_and_fresh, far_and_old],
    )
    assert names(result.suggestions) == ["Loin mais accessible", "Tout près"]
    assert result.suggestions[0].score < result.suggestions[1].score


def test_a_motor_disability_need_is_met_by_wheelchair_access_but_not_the_reverse() -> None:
    wheelchair = place(1, "Accessible", DECIZE, services={"safe_digital"}, accessibility={"wheelchair_access"})
    motor = place(2, "Accueil adapté", DECIZE, services={"safe_digital"}, accessibility={"motor_disability"})
    motor_need = route(
        request(need("cybersecurity"), accessibility_needs=frozenset({"motor_disability"})), [wheelchair]
    )
    assert names(motor_need.suggestions) == ["Accessible"]
    assert "accessible en fauteuil roulant" in motor_need.suggestions[0].reasons
    assert not motor_need.suggestions[0].to_confirm
    wheelchair_need = route(
        request(need("cybersecurity"), accessibility_needs=frozenset({"wheelchair_access"})), [motor]
    )
    assert wheelchair_need.suggestions[0].to_confirm


def test_every_accessibility_need_is_checked() -> None:
    partial = place(1, "Partiel", DECIZE, services={"safe_digital"}, accessibility={"wheelchair_access"})
    both = place(2, "Complet", NEVERS, services={"safe_digital"}, accessibility={"wheelchair_access", "deaf"})
    refused = place(
        3, "Non", DECIZE, services={"safe_digital"}, accessibility={"wheelchair_access"}, accessibility_no={"deaf"}
    )
    result = route(
        request(need("cybersecurity"), accessibility_needs=frozenset({"wheelchair_access", "deaf"})),
        [partial, both, refused],
    )
    assert names(result.suggestions) == ["Complet", "Partiel"]
    assert (
        "accessibilité non renseignée (accueil adapté aux personnes sourdes) : appelez avant"
        in result.suggestions[1].reasons
    )


def test_an_itinerant_micro_folie_is_as_near_as_its_nearest_stop() -> None:
    micro_folie = place(
        1,
        "Micro-Folie mobile",
        CLAMECY,
        equipment={"vr_headset"},
        stops=(Stop("Clamecy", *CLAMECY), Stop("Luzy", *LUZY)),
    )
    result = route(request(need("virtual_reality"), point=LUZY), [micro_folie])
    suggestion = result.suggestions[0]
    assert suggestion.distance_km == pytest.approx(0.0, abs=1e-9)
    assert "passe à Luzy (étape la plus proche)" in suggestion.reasons
    from_decize = route(request(need("virtual_reality")), [micro_folie]).suggestions[0]
    assert from_decize.distance_km == pytest.approx(haversine_km(*DECIZE, *LUZY))
    assert "passe à Luzy (étape la plus proche)" in from_decize.reasons


def test_an_itinerant_unit_is_met_at_its_stops_not_at_its_home_base() -> None:
    unit = place(1, "Bus numérique", DECIZE, services={"everyday_digital"}, stops=(Stop("Clamecy", *CLAMECY),))
    assert route(request(need("digital_basics")), [unit]).unmet


def test_a_remote_service_is_suggested_regardless_of_distance() -> None:
    hotline = place(1, "Cybermalveillance en visio", DIJON, services={"safe_digital"}, remote=True)
    result = route(request(need("cybersecurity"), max_distance_km=10), [hotline])
    assert names(result.suggestions) == ["Cybermalveillance en visio"]
    assert result.suggestions[0].distance_km is None
    assert "service à distance" in result.suggestions[0].reasons


def test_a_near_place_ranks_above_a_remote_service_of_the_same_fit() -> None:
    hotline = place(1, "Service à distance", DIJON, services={"safe_digital"}, remote=True)
    near = place(2, "Médiathèque de Decize", DECIZE, services={"safe_digital"})
    assert names(route(request(need("cybersecurity")), [hotline, near]).suggestions) == [
        "Médiathèque de Decize",
        "Service à distance",
    ]


def test_nothing_within_reach_is_an_unmet_need_with_a_french_message() -> None:
    far = place(1, "Fablab de Clamecy", CLAMECY, equipment={"3d_scanner"})
    result = route(request(need("3d_scanning")), [far])
    assert result.suggestions == ()
    assert result.unmet
    assert result.message == UNMET_60


def test_the_requester_can_narrow_the_reach() -> None:
    nevers = place(1, "Fablab de Nevers", NEVERS, equipment={"3d_scanner"})
    result = route(request(need("3d_scanning"), max_distance_km=25), [nevers])
    assert result.unmet
    assert result.message.startswith("Aucun lieu ne répond à ce besoin à moins de 25 km.")
    assert "42,5 km" in route(request(need("3d_scanning"), max_distance_km=42.5), []).message


def test_a_professional_is_not_sent_to_a_place_that_accepts_only_individuals() -> None:
    individuals = place(1, "Espace public numérique", DECIZE, audiences={"individual"}, equipment={"3d_printer"})
    pros = place(2, "Fablab de Nevers", NEVERS, audiences={"professional"}, equipment={"3d_printer"})
    result = route(request(need("3d_printing"), audience="professional"), [individuals, pros])
    assert names(result.suggestions) == ["Fablab de Nevers"]
    assert "accueille les professionnels" in result.suggestions[0].reasons


def test_a_place_with_no_audience_data_accepts_everyone_but_ranks_lower() -> None:
    unknown = place(1, "Lieu A", DECIZE, audiences=(), equipment={"3d_printer"})
    known = place(2, "Lieu B", DECIZE, audiences={"professional"}, equipment={"3d_printer"})
    result = route(request(need("3d_printing"), audience="professional"), [unknown, known])
    assert names(result.suggestions) == ["Lieu B", "Lieu A"]
    assert "public accueilli non précisé" in result.suggestions[1].reasons


# Needs and qualification


def test_no_need_found_is_to_qualify_not_unmet() -> None:
    result = route(request(()), [place(1, "Fablab", DECIZE, equipment={"3d_printer"})])
    assert result.suggestions == ()
    assert not result.unmet
    assert result.message.startswith("Besoin à qualifier")


def test_a_place_must_offer_something_the_needs_call_for() -> None:
    unrelated = place(1, "Médiathèque", DECIZE, services={"admin_procedures"})
    assert route(request(need("3d_scanning")), [unrelated]).unmet


def test_needed_codes_gives_what_preselects_candidates() -> None:
    services, equipment = needed_codes(need("3d_scanning", "production_run", "ai_understanding"))
    assert services == {"production_run", "digital_understanding"}
    assert equipment == {"3d_scanner"}


def test_needs_that_no_suggestion_covers_are_reported() -> None:
    scanner = place(1, "Fablab", DECIZE, equipment={"3d_scanner"})
    result = route(request(need("3d_scanning", "virtual_reality")), [scanner])
    assert result.uncovered == need("virtual_reality")
    assert result.message == (
        "1 lieu proposé. Aucun de ces lieux ne couvre : Réalité virtuelle, immersion et Micro-Folie. "
        "La demande est enregistrée comme besoin non couvert."
    )
    # A machine the text asks for and no suggestion has: the need is not covered.
    assert result.unmet


# Scoring and order


def test_a_place_covering_more_needs_ranks_first() -> None:
    both = place(1, "Les deux", NEVERS, equipment={"3d_scanner", "3d_printer"})
    one = place(2, "Un seul", DECIZE, equipment={"3d_printer"})
    result = route(request(need("3d_scanning", "3d_printing")), [one, both])
    assert names(result.suggestions) == ["Les deux", "Un seul"]


def test_unconfirmed_equipment_counts_less_and_says_so() -> None:
    confirmed = place(1, "Confirmé", DECIZE, equipment={"3d_printer"})
    unconfirmed = place(2, "À confirmer", DECIZE, unverified={"3d_printer"})
    result = route(request(need("3d_printing")), [unconfirmed, confirmed])
    assert names(result.suggestions) == ["Confirmé", "À confirmer"]
    assert "dispose d'une imprimante 3D (à confirmer)" in result.suggestions[1].reasons


def test_a_recently_verified_record_ranks_above_a_never_verified_one() -> None:
    fresh = place(1, "Vérifié", DECIZE, services={"training"}, verified=True, days=10)
    never = place(2, "Jamais vérifié", DECIZE, services={"training"}, verified=False, days=None)
    result = route(request(need("professional_training")), [never, fresh])
    assert names(result.suggestions) == ["Vérifié", "Jamais vérifié"]
    assert "fiche vérifiée récemment" in result.suggestions[0].reasons
    assert "fiche non vérifiée" in result.suggestions[1].reasons


def test_ties_break_on_distance_then_name_then_id() -> None:
    places = [
        place(3, "B", DECIZE, services={"training"}),
        place(2, "A", DECIZE, services={"training"}),
        place(1, "A", DECIZE, services={"training"}),
    ]
    result = route(request(need("professional_training")), places)
    assert [(s.candidate.name, s.candidate.id) for s in result.suggestions] == [("A", 1), ("A", 2), ("B", 3)]


def test_results_are_sorted_by_score_and_limited() -> None:
    places = [place(i, f"Lieu {i}", (DECIZE[0] + i * 0.02, DECIZE[1]), services={"training"}) for i in range(10)]
    result = route(request(need("professional_training"), limit=3), places)
    assert names(result.suggestions) == ["Lieu 0", "Lieu 1", "Lieu 2"]
    scores = [suggestion.score for suggestion in result.suggestions]
    assert scores == sorted(scores, reverse=True)
    assert result.message == "3 lieux proposés."


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        route(request(need("3d_printing"), limit=0), [])


# Settings


def test_the_road_factor_lengthens_distances_and_shortens_the_reach() -> None:
    nevers = place(1, "Fablab de Nevers", NEVERS, equipment={"3d_scanner"})
    straight = route(request(need("3d_scanning")), [nevers]).suggestions[0]
    assert straight.distance_km == pytest.approx(haversine_km(*DECIZE, *NEVERS))
    by_road = route(request(need("3d_scanning")), [nevers], RoutingSettings(road_factor=1.3)).suggestions[0]
    assert by_road.distance_km == pytest.approx(haversine_km(*DECIZE, *NEVERS) * 1.3)
    assert route(request(need("3d_scanning")), [nevers], RoutingSettings(road_factor=2.5)).unmet


def test_the_default_reach_is_a_setting() -> None:
    nevers = place(1, "Fablab de Nevers", NEVERS, equipment={"3d_scanner"})
    assert route(request(need("3d_scanning")), [nevers], RoutingSettings(default_max_distance_km=20)).unmet


def test_new_vocabulary_entries_read_well_through_labels() -> None:
    sublimation = Category(
        "sublimation", "Sublimation", synonyms=("sublimation",), equipment=frozenset({"sublimation_printer"})
    )
    studio = place(1, "Atelier", DECIZE, equipment={"sublimation_printer"})
    settings = RoutingSettings(labels={"sublimation_printer": "Imprimante à sublimation"})
    result = route(request((sublimation,)), [studio], settings)
    assert "dispose de l'équipement « Imprimante à sublimation »" in result.suggestions[0].reasons


def test_a_place_next_door_is_less_than_a_kilometre_away() -> None:
    next_door = place(1, "Voisin", (DECIZE[0] + 0.001, DECIZE[1]), services={"training"})
    assert "à moins d'un kilomètre" in route(request(need("professional_training")), [next_door]).suggestions[0].reasons
