from demandes import suggestions
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
