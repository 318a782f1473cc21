"""The routing keeps its word: every need the text states is covered, or the answer says which one is not."""

import pytest

from routing import RoutingSettings, qualify, route
from tests.routing.test_engine import CATEGORIES, DECIZE, NEVERS, PREMERY, names, need, place, request

CLUB = "Notre club de foot voudrait broder 300 t-shirts à son logo"


def club_request(**options: object):  # noqa: ANN201 - a RoutingRequest
    found = qualify(CLUB, list(CATEGORIES.values()))
    return request(found.categories, audience="association", quantity=found.quantity or 1, **options)


def test_a_series_made_with_a_machine_needs_a_place_with_the_machine_and_runs_first() -> None:
    ebe = place(1, "EBE 58", PREMERY, equipment={"embroidery_machine"}, services={"production_run"})
    printer = place(2, "Imprimerie 3D en série", DECIZE, equipment={"3d_printer"}, services={"production_run"})
    fablab = place(3, "Fablab de Decize", DECIZE, equipment={"embroidery_machine"})

    result = route(club_request(), [printer, fablab, ebe])

    assert [need.code for need in club_request().needs] == ["embroidery", "production_run"]
    # The place that does runs without the machine is nearer and as fresh: it still comes after, marked partial.
    assert names(result.suggestions) == ["EBE 58", "Imprimerie 3D en série"]
    complete, partial = result.suggestions
    assert not complete.partial and complete.missing == ()
    assert partial.partial and partial.missing == ("Broderie numérique",)
    assert partial.reasons[0] == "réponse partielle : ne couvre pas Broderie numérique"
    assert result.uncovered == () and not result.unmet


def test_runs_without_the_machine_anywhere_are_unmet_and_the_answer_says_what_is_missing() -> None:
    printer = place(2, "Imprimerie 3D en série", DECIZE, equipment={"3d_printer"}, services={"production_run"})

    result = route(club_request(), [printer])

    assert names(result.suggestions) == ["Imprimerie 3D en série"]
    assert result.uncovered == need("embroidery")
    assert result.unmet
    assert result.message == (
        "1 lieu proposé. Aucun de ces lieux ne couvre : Broderie numérique. "
        "La demande est enregistrée comme besoin non couvert."
    )


def test_a_place_covering_every_need_comes_before_a_nearer_fresher_partial_one() -> None:
    both = place(1, "Les deux, loin", NEVERS, equipment={"3d_scanner", "3d_printer"}, verified=False, days=None)
    one = place(2, "Scanner seul, à côté", DECIZE, equipment={"3d_scanner"}, verified=True, days=10)

    result = route(request(need("3d_scanning", "3d_printing")), [one, both])

    assert names(result.suggestions) == ["Les deux, loin", "Scanner seul, à côté"]
    assert result.suggestions[0].score < result.suggestions[1].score
    assert result.suggestions[1].missing == ("Impression 3D",)
    assert not result.unmet


def test_a_need_left_uncovered_that_is_no_machine_is_listed_but_not_unmet() -> None:
    scanner = place(1, "Fablab", DECIZE, equipment={"3d_scanner"})

    result = route(request(need("3d_scanning", "professional_training")), [scanner])

    assert result.uncovered == need("professional_training")
    assert not result.unmet
    assert "Aucun de ces lieux ne couvre : Formation des professionnels et des équipes." in result.message


@pytest.mark.parametrize(
    "text",
    [
        "Apprendre à programmer",
        "Mon fils voudrait apprendre à coder",
        "Des cours de Python",
        "Je veux créer le site internet de ma boutique",
        "Je pense à une reconversion dans le numérique",
    ],
)
def test_learning_to_code_and_digital_careers_reach_places_that_train_or_initiate(text: str) -> None:
    found = qualify(text, list(CATEGORIES.values()))
    training = place(1, "Centre de formation", DECIZE, services={"training"})
    initiation = place(2, "Atelier découverte", DECIZE, services={"initiation"})
    unrelated = place(3, "Accès internet seul", DECIZE, services={"admin_procedures"})

    result = route(request(found.categories, limit=10), [training, initiation, unrelated])

    assert found.categories, text
    assert {"Centre de formation", "Atelier découverte"} <= set(names(result.suggestions)), text
    assert not result.unmet


def test_robotics_kits_still_answer_learning_to_code() -> None:
    found = qualify("apprendre à coder", list(CATEGORIES.values()))
    robots = place(1, "Club robotique", DECIZE, equipment={"robotics_kit"})
    assert names(route(request(found.categories), [robots]).suggestions) == ["Club robotique"]


def km_north(km: float) -> tuple[float, float]:
    """A point that many kilometres north of Decize (a degree of latitude is about 111.2 km)."""
    return (DECIZE[0] + km / 111.2, DECIZE[1])


@pytest.mark.parametrize("reach", [30, 60, 100])
def test_an_unconfirmed_machine_costs_less_than_tens_of_kilometres(reach: int) -> None:
    unconfirmed = place(1, "Machine à confirmer, sur place", DECIZE, unverified={"3d_printer"})
    confirmed_far = place(2, "Machine confirmée, à 20 km", km_north(20), equipment={"3d_printer"})
    confirmed_near = place(3, "Machine confirmée, sur place", DECIZE, equipment={"3d_printer"})

    far = route(request(need("3d_printing"), max_distance_km=reach), [confirmed_far, unconfirmed])
    assert names(far.suggestions) == ["Machine à confirmer, sur place", "Machine confirmée, à 20 km"]

    # It still costs something: at the same distance the confirmed machine comes first.
    near = route(request(need("3d_printing"), max_distance_km=reach), [unconfirmed, confirmed_near])
    assert names(near.suggestions) == ["Machine confirmée, sur place", "Machine à confirmer, sur place"]


def test_what_an_unconfirmed_machine_costs_is_a_setting_in_kilometres() -> None:
    unconfirmed = place(1, "À confirmer", DECIZE, unverified={"3d_printer"})
    confirmed = place(2, "Confirmée, à 20 km", km_north(20), equipment={"3d_printer"})
    strict = RoutingSettings(unconfirmed_equipment_km=40)
    result = route(request(need("3d_printing")), [unconfirmed, confirmed], strict)
    assert names(result.suggestions) == ["Confirmée, à 20 km", "À confirmer"]
