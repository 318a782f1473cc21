from demandes import suggestions
from demandes.models import NeedCategory
from territory.models import Commune
from tests.demandes.factories import make_request
from tests.factories import make_place


def test_a_place_offering_only_a_service_is_suggested(db):
    make_place(
        name="France Services de Luzy", commune="58149", services=("admin_procedures",), audiences=("individual",)
    )
    created = make_request("Je n'arrive pas à faire ma retraite en ligne")
    result = suggestions.for_request(created.request)
    assert [s.candidate.name for s in result.suggestions] == ["France Services de Luzy"]
    assert not created.request.unmet


def test_confirmed_and_unconfirmed_machines_reach_the_engine_apart(db):
    place = make_place(name="Fablab", commune="58149", equipment=("3d_printer", "laser_cutter"))
    printer = place.equipment.get(kind__code="3d_printer")
    printer.verified = True
    printer.save()
    (candidate,) = suggestions.load_candidates(
        services=frozenset(), equipment=frozenset({"3d_printer"}), commune=place.commune, max_km=10
    )
    assert candidate.equipment == {"3d_printer"} and candidate.unverified_equipment == {"laser_cutter"}


def test_a_request_no_place_can_answer_is_marked_unmet(db):
    created = make_request("Je cherche une brodeuse numérique pour broder des casquettes", commune="58149")
    assert created.request.unmet


def test_a_thesaurus_edit_is_read_at_once_although_the_thesaurus_is_cached(db):
    assert suggestions.qualify("Je cherche un thérémine") == []
    category = NeedCategory.objects.get(code="3d_printing")
    category.synonyms += "\ntheremine"
    category.save()
    assert [row.code for row, _ in suggestions.qualify("Je cherche un thérémine")] == ["3d_printing"]
    category.equipment.clear()
    assert suggestions.categories()["3d_printing"][1].equipment == frozenset()
    category.active = False
    category.save()
    assert "3d_printing" not in suggestions.categories()


def test_suggestions_keep_to_the_reach_and_take_remote_services_from_anywhere(db):
    make_place(name="Près", commune="58149", services=("admin_procedures",))
    make_place(name="Loin", commune="13055", services=("admin_procedures",))
    make_place(name="À distance", commune="13055", services=("admin_procedures",), is_remote=True)
    make_place(name="Fermé", commune="58149", services=("admin_procedures",), status="temporarily_closed")
    found = suggestions.load_candidates(
        services=frozenset({"admin_procedures"}),
        equipment=frozenset(),
        commune=Commune.objects.get(code="58149"),
        max_km=60,
    )
    assert sorted(candidate.name for candidate in found) == ["Près", "À distance"]
