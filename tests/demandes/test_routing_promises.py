"""The routing keeps its word on the database's own thesaurus and places (item 10 of the journeys)."""

import importlib

import pytest
from django.apps import apps

from demandes import suggestions
from demandes.models import NeedCategory
from tests.demandes.factories import make_request
from tests.factories import make_place

pytestmark = pytest.mark.django_db

DECIZE, PREMERY = "58095", "58218"
CLUB = "Notre club de foot voudrait broder 300 t-shirts à son logo"


def codes(text: str) -> list[str]:
    return [category.code for category, _ in suggestions.qualify(text)]


def suggest(text: str, commune: str = DECIZE, **options: object):  # noqa: ANN201 - a RoutingResult
    index = suggestions.categories()
    from territory.models import Commune

    return suggestions.suggest(
        needs=[index[code][1] for code in codes(text)], commune=Commune.objects.get(code=commune), **options
    )


def test_a_club_gets_the_place_with_the_embroidery_machine_that_does_runs_first():
    make_place(name="Imprimerie 3D en série", commune=DECIZE, equipment=("3d_printer",), services=("production_run",))
    make_place(name="EBE 58", commune=PREMERY, equipment=("embroidery_machine",), services=("production_run",))
    make_place(name="Fablab de Decize", commune=DECIZE, equipment=("embroidery_machine",))

    result = suggest(CLUB, audience="association", quantity=300)

    assert [s.candidate.name for s in result.suggestions] == ["EBE 58", "Imprimerie 3D en série"]
    assert [s.partial for s in result.suggestions] == [False, True]
    assert not result.unmet
    created = make_request(CLUB, commune=DECIZE, audience="association", quantity=300)
    assert not created.request.unmet


def test_a_club_whose_series_no_place_can_embroider_is_recorded_as_unmet():
    make_place(name="Imprimerie 3D en série", commune=DECIZE, equipment=("3d_printer",), services=("production_run",))

    result = suggest(CLUB, audience="association", quantity=300)

    assert [s.candidate.name for s in result.suggestions] == ["Imprimerie 3D en série"]
    assert [need.code for need in result.uncovered] == ["embroidery"]
    assert result.unmet
    created = make_request(CLUB, commune=DECIZE, audience="association", quantity=300)
    assert created.request.unmet


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Apprendre à programmer", "learn_coding"),
        ("coder", "learn_coding"),
        ("Python", "learn_coding"),
        ("site internet", "business_communication"),
        ("reconversion dans le numérique", "digital_careers"),
    ],
)
def test_coding_and_digital_careers_reach_places_that_train_or_initiate(text, code):
    make_place(name="Centre de formation", commune=DECIZE, services=("training",))
    make_place(name="Atelier découverte", commune=DECIZE, services=("initiation",))
    make_place(name="Club robotique", commune=DECIZE, equipment=("robotics_kit",))

    assert code in codes(text)
    found = {s.candidate.name for s in suggest(text, limit=10).suggestions}
    assert {"Centre de formation", "Atelier découverte"} <= found


def test_databases_made_before_move_the_programming_words_to_the_new_category():
    robotics = NeedCategory.objects.get(code="coding_robotics")
    robotics.synonyms = "robot\nPython\ncoder\nmon mot à moi"
    robotics.stems = "robot\nprogrammation"
    robotics.save()
    business = NeedCategory.objects.get(code="business_communication")
    business.services.remove(*business.services.filter(code="initiation"))
    migration = importlib.import_module("demandes.migrations.0006_orientation_delivery")

    migration.move_coding_words(apps, None)

    robotics.refresh_from_db()
    assert robotics.synonyms.splitlines() == ["robot", "mon mot à moi"]
    assert robotics.stems.splitlines() == ["robot"]
    assert business.services.filter(code="initiation").exists()
    assert NeedCategory.objects.filter(code__in=["learn_coding", "digital_careers"]).count() == 2
