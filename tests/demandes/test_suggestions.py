import datetime as dt
import random

import pytest

from demandes import suggestions
from demandes.models import NeedCategory
from routing.engine import RoutingRequest, needed_codes, route
from territory.models import Commune
from tests.demandes.factories import make_request
from tests.factories import make_place

NEVERS = "58194"


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


@pytest.mark.parametrize("seed", range(4))
def test_reading_the_nearest_first_gives_what_the_whole_reach_gives(db, monkeypatch, seed):
    rng = random.Random(seed)
    nevers = Commune.objects.get(code=NEVERS)
    around = list(Commune.objects.filter(departement__code__in=["58", "18", "89", "71"]).order_by("code")[::23])
    today = dt.date.today()
    for i in range(12):
        # In town, places that answer everything, checked this very day: farther ones cannot beat them.
        town = make_place(
            name=f"En ville {i:02d}",
            commune=NEVERS,
            latitude=nevers.latitude + rng.uniform(-0.02, 0.02),
            longitude=nevers.longitude + rng.uniform(-0.02, 0.02),
            equipment=("3d_printer", "laser_cutter"),
            services=("production_run",),
            audiences=("individual", "professional"),
            verified=True,
            date_maj=today,
        )
        for machine in town.equipment.all():
            machine.verified = True
            machine.save()
    for i in range(60):
        where = rng.choice(around)
        make_place(
            name=f"Lieu {i:02d}",
            commune=where.code,
            latitude=where.latitude + rng.uniform(-0.03, 0.03),
            longitude=where.longitude + rng.uniform(-0.03, 0.03),
            equipment=tuple(rng.sample(["3d_printer", "laser_cutter"], k=rng.randint(0, 2))),
            services=tuple(rng.sample(["production_run", "admin_procedures"], k=rng.randint(0, 2))),
            audiences=tuple(rng.sample(["individual", "professional"], k=rng.randint(0, 2))),
            verified=rng.random() < 0.6,
            date_maj=today - dt.timedelta(days=rng.randint(0, 1500)),
            is_remote=rng.random() < 0.05,
        )
    radii: list[float] = []
    read = suggestions._found_within
    monkeypatch.setattr(
        suggestions, "_found_within", lambda ids, commune, km: radii.append(km) or read(ids, commune, km)
    )
    index = suggestions.categories()
    table = suggestions.TermTable.load()
    config = suggestions.routing_settings(table)
    stopped_early = False
    for codes, quantity in ((["3d_printing"], 1), (["3d_printing", "laser_cutting"], 1), (["3d_printing"], 500)):
        needs = [index[code][1] for code in codes]
        for audience in ("individual", "professional"):
            for limit in (1, 3, 5):
                radii.clear()
                got = suggestions.suggest(
                    needs=needs, commune=nevers, audience=audience, quantity=quantity, limit=limit
                )
                stopped_early |= max(radii) < config.default_max_distance_km
                request = RoutingRequest(
                    needs=tuple(needs),
                    latitude=nevers.latitude,
                    longitude=nevers.longitude,
                    audience=audience,
                    quantity=quantity,
                    limit=limit,
                )
                services, equipment = needed_codes(request.needs)
                everything = suggestions.load_candidates(
                    services=services, equipment=equipment, commune=nevers, max_km=60, table=table
                )
                assert got == route(request, everything, config)
    assert stopped_early


def test_a_wheelchair_user_is_offered_the_far_accessible_place_first_then_unknown_ones_flagged(db):
    nevers = Commune.objects.get(code=NEVERS)
    today = dt.date.today()
    # Many near places that say nothing of wheelchairs, checked today: the nearest first reading would stop on
    # them if it did not know that a farther place stating "yes" comes before them all.
    for i in range(8):
        near = make_place(
            name=f"Près {i}",
            commune=NEVERS,
            equipment=("3d_printer",),
            audiences=("individual",),
            verified=True,
            date_maj=today,
        )
        for machine in near.equipment.all():
            machine.verified = True
            machine.save()
    make_place(name="À l'étage", commune=NEVERS, equipment=("3d_printer",), accessibility_no=("wheelchair_access",))
    make_place(name="Accessible", commune="58095", equipment=("3d_printer",), accessibility=("wheelchair_access",))
    needs = [suggestions.categories()["3d_printing"][1]]

    result = suggestions.suggest(needs=needs, commune=nevers, accessibility_needs=["wheelchair_access"], limit=3)

    assert [s.candidate.name for s in result.suggestions][0] == "Accessible"
    assert [s.to_confirm for s in result.suggestions] == [False, True, True]
    assert all(s.candidate.name.startswith("Près") for s in result.suggestions[1:])
    assert "accessibilité non renseignée (accessible en fauteuil roulant) : appelez avant" in (
        result.suggestions[1].reasons
    )
    assert not result.unmet
    everything = suggestions.load_candidates(
        services=frozenset(), equipment=frozenset({"3d_printer"}), commune=nevers, max_km=60
    )
    assert "À l'étage" in {candidate.name for candidate in everything}
    request = RoutingRequest(
        needs=tuple(needs),
        latitude=nevers.latitude,
        longitude=nevers.longitude,
        accessibility_needs=frozenset({"wheelchair_access"}),
        limit=3,
    )
    assert result == route(request, everything, suggestions.routing_settings())


@pytest.mark.parametrize("seed", range(3))
def test_the_unmet_flag_of_a_new_request_is_what_the_whole_reach_says(db, seed):
    rng = random.Random(seed)
    nevers = Commune.objects.get(code=NEVERS)
    around = list(Commune.objects.filter(departement__code__in=["58", "18", "89", "71", "13"]).order_by("code")[::17])
    today = dt.date.today()
    for i in range(40):
        where = rng.choice(around)
        make_place(
            name=f"Lieu {i:02d}",
            commune=where.code,
            latitude=where.latitude + rng.uniform(-0.03, 0.03),
            longitude=where.longitude + rng.uniform(-0.03, 0.03),
            equipment=tuple(rng.sample(["3d_printer", "laser_cutter", "embroidery_machine"], k=rng.randint(0, 2))),
            services=tuple(rng.sample(["production_run", "admin_procedures", "training"], k=rng.randint(0, 2))),
            audiences=tuple(rng.sample(["individual", "professional"], k=rng.randint(0, 2))),
            accessibility=tuple(rng.sample(["wheelchair_access"], k=rng.randint(0, 1))),
            accessibility_no=tuple(rng.sample(["deaf"], k=rng.randint(0, 1))),
            status=rng.choice(["open", "open", "open", "temporarily_closed"]),
            date_maj=today - dt.timedelta(days=rng.randint(0, 1500)),
            is_remote=rng.random() < 0.05,
        )
    index = suggestions.categories()
    config = suggestions.routing_settings()
    cases = (
        ["3d_printing"],
        ["embroidery"],
        ["online_admin"],
        ["professional_training", "online_admin"],
        ["3d_printing", "laser_cutting"],
        ["3d_printing", "online_admin"],
        ["production_run", "embroidery"],
        ["virtual_reality"],
        ["3d_printing", "virtual_reality"],
    )
    seen = set()
    for codes in cases:
        needs = [index[code][1] for code in codes]
        for audience, quantity, accessibility in (
            ("individual", 1, ()),
            ("professional", 1, ("wheelchair_access",)),
            ("professional", 500, ()),
            ("individual", 1, ("deaf",)),
        ):
            request = RoutingRequest(
                needs=tuple(needs),
                latitude=nevers.latitude,
                longitude=nevers.longitude,
                audience=audience,
                quantity=quantity,
                accessibility_needs=frozenset(accessibility),
            )
            services, equipment = needed_codes(request.needs)
            everything = suggestions.load_candidates(services=services, equipment=equipment, commune=nevers, max_km=60)
            expected = route(request, everything, config).unmet
            seen.add(expected)
            assert (
                suggestions.unmet_for(
                    need_categories=[index[code][0] for code in codes],
                    commune=nevers,
                    audience=audience,
                    quantity=quantity,
                    accessibility_codes=accessibility,
                )
                == expected
            ), (codes, audience, quantity, accessibility)
    assert seen == {True, False}


def test_whether_a_need_finds_a_place_is_asked_once_until_a_place_or_the_thesaurus_changes(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    embroidery = [NeedCategory.objects.get(code="embroidery")]
    nevers = Commune.objects.get(code="58194")

    def unmet() -> bool:
        return suggestions.unmet_for(
            need_categories=embroidery, commune=nevers, audience="individual", quantity=1, accessibility_codes=[]
        )

    assert unmet()
    with CaptureQueriesContext(connection) as asked:
        assert unmet()
    assert not [query for query in asked.captured_queries if "directory_place" in query["sql"]]
    # Another audience is another question, asked afresh.
    assert suggestions.unmet_for(
        need_categories=embroidery, commune=nevers, audience="professional", quantity=1, accessibility_codes=[]
    )
    place = make_place(name="Atelier broderie", commune="58194", equipment=("embroidery_machine",))
    assert not unmet()
    place.status = "temporarily_closed"
    place.save()
    assert unmet()
    # A need category edited (its machines gone) is read at the next submission too.
    place.status = "open"
    place.save()
    assert not unmet()
    embroidery[0].equipment.clear()
    assert suggestions.categories()["embroidery"][1].equipment == frozenset()
    assert unmet()
