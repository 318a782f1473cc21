"""POST /api/v1/suggestions: the places that answer a need, and why."""

import pytest
from django.conf import settings

from demandes.models import Request
from tests.api.conftest import SUGGESTIONS, post_json
from tests.factories import make_place

DECIZE, CLAMECY, NEVERS = "58095", "58079", "58194"
FEET = "scanner les pieds de mes clients en 3D"

pytestmark = pytest.mark.django_db


def test_it_suggests_the_fablab_with_a_3d_scanner_to_the_shoe_shop_of_decize(client):
    fablab = make_place(name="Fablab de Decize", commune=DECIZE, equipment=("3d_scanner",))
    make_place(name="Médiathèque de Decize", commune=DECIZE, services=("admin_procedures",))

    response = post_json(client, SUGGESTIONS, {"description": FEET, "commune": DECIZE, "audience": "professional"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert [need["code"] for need in body["needs"]] == ["3d_scanning"]
    assert body["needs"][0]["label"]
    assert body["needs"][0]["evidence"]
    assert body["unmet"] is False
    assert body["message"] == "1 lieu proposé."
    [suggestion] = body["suggestions"]
    assert suggestion["place"] == {
        "id": fablab.pk,
        "name": "Fablab de Decize",
        "commune": {"code": DECIZE, "name": "Decize"},
        "url": settings.SITE_URL + fablab.get_absolute_url(),
    }
    assert suggestion["place"]["url"].startswith(("http://", "https://"))
    assert 0 < suggestion["score"] <= 1
    assert suggestion["distance_km"] < 1
    # The place has not confirmed its machine yet: the reason says so.
    assert "dispose d'un scanner 3D (à confirmer)" in suggestion["reasons"]


def test_needs_given_as_codes_replace_those_found_in_the_description(client):
    make_place(name="Fablab de Decize", commune=DECIZE, equipment=("3d_scanner",))
    printer = make_place(name="Atelier d'impression", commune=DECIZE, equipment=("3d_printer",))

    body = post_json(client, SUGGESTIONS, {"description": FEET, "commune": DECIZE, "needs": ["3d_printing"]}).json()

    assert body["needs"] == [{"code": "3d_printing", "label": body["needs"][0]["label"], "evidence": []}]
    assert [suggestion["place"]["id"] for suggestion in body["suggestions"]] == [printer.pk]


def test_a_need_no_place_answers_within_reach_is_unmet(client):
    make_place(name="Fablab de Clamecy", commune=CLAMECY, equipment=("3d_scanner",))

    body = post_json(client, SUGGESTIONS, {"description": FEET, "commune": DECIZE, "max_distance_km": 30}).json()

    assert body["suggestions"] == []
    assert body["unmet"] is True
    assert body["message"] == "Aucun lieu ne répond à ce besoin à moins de 30 km."


def test_a_wider_reach_finds_the_farther_place(client):
    make_place(name="Fablab de Clamecy", commune=CLAMECY, equipment=("3d_scanner",))

    body = post_json(client, SUGGESTIONS, {"description": FEET, "commune": DECIZE, "max_distance_km": 200}).json()

    assert [suggestion["place"]["name"] for suggestion in body["suggestions"]] == ["Fablab de Clamecy"]
    assert 60 < body["suggestions"][0]["distance_km"] < 200


def test_a_description_without_any_known_need_suggests_nothing_and_says_so(client):
    make_place(commune=DECIZE, equipment=("3d_scanner",))

    body = post_json(client, SUGGESTIONS, {"description": "xylophone bleu", "commune": DECIZE}).json()

    assert body["needs"] == []
    assert body["suggestions"] == []
    assert body["unmet"] is False
    assert body["message"].startswith("Aucun besoin reconnu dans la description")


def test_limit_caps_the_number_of_places(client):
    for number in range(3):
        make_place(name=f"Fablab {number}", commune=NEVERS, equipment=("3d_printer",))

    body = post_json(client, SUGGESTIONS, {"description": "imprimer en 3D", "commune": NEVERS, "limit": 2}).json()

    assert len(body["suggestions"]) == 2


def test_places_that_say_no_are_left_out_and_unknown_ones_come_after_with_a_warning(client):
    make_place(name="Accueil non renseigné", commune=NEVERS, equipment=("3d_printer",))
    make_place(name="Accueil des sourds", commune=NEVERS, equipment=("3d_printer",), accessibility=("deaf",))
    make_place(name="Pas d'accueil adapté", commune=NEVERS, equipment=("3d_printer",), accessibility_no=("deaf",))

    body = post_json(
        client, SUGGESTIONS, {"description": "imprimer en 3D", "commune": NEVERS, "accessibility_needs": ["deaf"]}
    ).json()

    assert [suggestion["place"]["name"] for suggestion in body["suggestions"]] == [
        "Accueil des sourds",
        "Accueil non renseigné",
    ]
    assert "accessibilité non renseignée (surdité) : appelez avant" in body["suggestions"][1]["reasons"]
    assert not body["unmet"]


def test_a_remote_service_has_no_distance(client):
    make_place(name="Aide en ligne", commune=CLAMECY, services=("admin_procedures",), is_remote=True)

    body = post_json(
        client, SUGGESTIONS, {"description": "faire ma déclaration d'impôts en ligne", "commune": DECIZE}
    ).json()

    [suggestion] = body["suggestions"]
    assert suggestion["distance_km"] is None
    assert "service à distance" in suggestion["reasons"]


def test_asking_for_suggestions_records_nothing(client):
    make_place(commune=DECIZE, equipment=("3d_scanner",))

    post_json(client, SUGGESTIONS, {"description": FEET, "commune": DECIZE, "audience": "professional"})

    assert not Request.objects.exists()


def test_a_series_no_place_can_make_with_its_machine_is_unmet_with_the_partial_places_and_what_is_missing(client):
    printer = make_place(
        name="Imprimerie 3D en série", commune=DECIZE, equipment=("3d_printer",), services=("production_run",)
    )
    club = {"description": "broder 300 t-shirts pour notre club", "commune": DECIZE, "audience": "association"}

    body = post_json(client, SUGGESTIONS, club).json()

    assert [suggestion["place"]["id"] for suggestion in body["suggestions"]] == [printer.pk]
    assert body["suggestions"][0]["missing"] == ["Broderie numérique"]
    assert [need["code"] for need in body["uncovered"]] == ["embroidery"]
    assert body["uncovered"][0]["evidence"] == ["broder"]
    assert body["unmet"] is True
    assert "Aucun de ces lieux ne couvre : Broderie numérique." in body["message"]


def test_a_place_with_the_machine_and_runs_covers_the_series(client):
    ebe = make_place(name="EBE 58", commune=DECIZE, equipment=("embroidery_machine",), services=("production_run",))
    club = {"description": "broder 300 t-shirts pour notre club", "commune": DECIZE, "audience": "association"}

    body = post_json(client, SUGGESTIONS, club).json()

    assert [suggestion["place"]["id"] for suggestion in body["suggestions"]] == [ebe.pk]
    assert body["suggestions"][0]["missing"] == []
    assert body["uncovered"] == []
    assert body["unmet"] is False
