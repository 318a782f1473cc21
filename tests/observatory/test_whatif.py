import math

import numpy as np
import pytest

from directory.models import Term
from observatory import whatif
from observatory.whatif import ScenarioError, build_instance, resolve_sites, scenario, suggest
from tests.factories import make_place

LUZY, CLAMECY, NEVERS, COSNE, DECIZE = "58149", "58079", "58194", "58086", "58095"


def machine(code: str) -> Term:
    return Term.objects.get(vocabulary="equipment", code=code)


@pytest.fixture
def directory(db):
    return {
        "luzy": make_place(name="FabLab de Luzy", commune=LUZY, equipment=("3d_printer",)),
        "clamecy": make_place(name="FabLab de Clamecy", commune=CLAMECY, equipment=("3d_printer",)),
        "cosne": make_place(name="Médiathèque de Cosne", commune=COSNE),
        "nevers": make_place(name="Atelier de Nevers", commune=NEVERS, equipment=("3d_scanner",)),
        "closed": make_place(name="Ancien atelier", commune=DECIZE, status="closed"),
        "bus": make_place(name="Bus numérique", commune=NEVERS, is_itinerant=True, stops=(DECIZE, "58062")),
    }


def test_candidates_are_the_open_places_without_the_machine(directory):
    instance = build_instance(machine("3d_scanner"))
    labels = {site.label for site in instance.candidates}
    assert labels == {"FabLab de Luzy", "FabLab de Clamecy", "Médiathèque de Cosne", "Bus numérique"}
    bus = next(site for site in instance.candidates if site.label == "Bus numérique")
    assert len(bus.points) == 2  # its two stops, not its home base
    assert instance.cost.shape == (309, 4)
    assert instance.current.place_count == 1


def test_among_communes_every_commune_is_a_candidate(directory):
    instance = build_instance(machine("3d_scanner"), among=whatif.COMMUNES)
    assert len(instance.candidates) == 309
    np.testing.assert_allclose(np.diag(instance.cost), 0.0, atol=1e-6)


def test_the_suggestion_lowers_the_mean_distance_and_keeps_existing_places(directory):
    instance = build_instance(machine("3d_scanner"))
    today = whatif.before(instance)
    suggested = suggest(instance, 2)
    assert len(suggested.sites) == 2
    assert suggested.figures.mean_km < today.figures.mean_km
    assert np.all(suggested.km <= instance.baseline + 1e-9)
    assert suggested.figures.beyond == sorted(suggested.figures.beyond, reverse=True)
    # No pair of candidates does better: there are only six pairs, tried here one by one.
    best = min(
        scenario(instance, [a, b], label="").figures.mean_km
        for i, a in enumerate(instance.candidates)
        for b in instance.candidates[i + 1 :]
    )
    assert suggested.figures.mean_km == pytest.approx(best)


def test_maximal_coverage_brings_the_most_people_within_the_radius(directory):
    instance = build_instance(machine("3d_scanner"), radius=15)
    covering = suggest(instance, 1, objective=whatif.COVERAGE)
    best = max(scenario(instance, [site], label="").figures.within_radius for site in instance.candidates)
    assert covering.figures.within_radius == best
    assert covering.label == "Proposition : le plus d'habitants à moins de 15 km"


def test_without_any_existing_place_the_mean_distance_is_infinite_before(directory):
    instance = build_instance(machine("embroidery_machine"))
    assert math.isinf(whatif.before(instance).figures.mean_km)
    assert math.isfinite(suggest(instance, 1).figures.mean_km)


def test_a_scenario_is_typed_with_commune_or_place_names(directory):
    instance = build_instance(machine("3d_scanner"))
    sites = resolve_sites(instance, ["Luzy", "FabLab de Clamecy", "58086", "luzy"])
    assert [site.label for site in sites] == ["Luzy", "FabLab de Clamecy", "Cosne-Cours-sur-Loire"]
    assert sites[1].key == f"place:{directory['clamecy'].pk}"
    result = scenario(instance, sites, label="Votre scénario")
    assert result.figures.mean_km < whatif.before(instance).figures.mean_km


def test_an_unknown_commune_is_refused_in_french(directory):
    instance = build_instance(machine("3d_scanner"))
    with pytest.raises(ScenarioError, match="Introuvable : « Atlantis »"):
        resolve_sites(instance, ["Luzy", "Atlantis"])


@pytest.mark.parametrize("k", [0, 5, 11])
def test_too_many_or_too_few_sites_are_refused(directory, k):
    instance = build_instance(machine("3d_scanner"))
    with pytest.raises(ScenarioError, match="Choisissez entre 1 et 4 lieux"):
        suggest(instance, k)
