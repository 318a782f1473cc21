"""The observatory's two targets: one equipment's coverage for all of France, and the what-if on the Nièvre.

    python -m bench.observatory_bench [--places 30000] [--repeat 7] [--no-exact] [--exact-communes] [--keep]

On a database of its own (var/bench/observatory.sqlite3, never the developer's): France's communes and the demo
data of the served territory, for the what-if; then a synthetic national directory (bench/synthetic.py, the same
stream as ``bench.directory_bench``), for France. It measures, each several times, the median and the slowest:

- France: ``france_by_departement`` for the 3D printer, every one of France's ~35,000 communes against every open
  place that has one, from the database reads to the table by département (the target: under 1 s), and the
  k-d tree alone on arrays already in memory;
- the Nièvre: the what-if of the issue (a 3D scanner, two places to equip among the open places, and among the
  communes; maximal coverage at 20 km), from the database reads to the figures (the target: under 1 s), and the
  solver alone; then the same instance solved exactly by spopt and PuLP's CBC (when installed: they are test
  dependencies), with the gap between the two answers.

Prints a table and PASS or FAIL for each target, and writes var/bench/observatory.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "var" / "bench"
DATABASE = OUTPUT_DIR / "observatory.sqlite3"
TARGET_SECONDS = 1.0
SEED = 20261128


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.observatory_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=30_000, help="synthetic places over France (%(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each measure (%(default)s)")
    parser.add_argument("--no-exact", action="store_true", help="skip the exact solver")
    parser.add_argument(
        "--exact-communes", action="store_true", help="also solve exactly among the 309 communes (minutes)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    if args.places < 0 or args.repeat < 1:
        parser.error("--places must be positive or zero, --repeat at least 1")
    return args


def setup_django() -> None:
    # Production settings on the benchmark's own database, whatever the developer's environment says.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "aiguillage.settings",
            "DATABASE_URL": f"sqlite:///{DATABASE}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-never-used-to-sign-anything-real-0123456789",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    import django

    django.setup()


def timed(action: Callable[[], Any], repeat: int) -> tuple[Any, dict[str, float]]:
    """Run once to warm up, then ``repeat`` times; milliseconds: median and slowest."""
    value = action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = action()
        times.append((time.perf_counter() - started) * 1000)
    return value, {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def step(label: str, action: Callable[[], Any]) -> Any:
    print(f"  {label}…", flush=True)
    started = time.perf_counter()
    value = action()
    print(f"    {time.perf_counter() - started:.1f} s", flush=True)
    return value


def load_served_territory() -> None:
    from django.core.management import call_command

    from directory.importers.demo import load_demo
    from territory.loader import load_territory

    step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
    step("territory (communes and outlines)", load_territory)
    step("demo data of the served territory", load_demo)


def load_national_directory(places: int) -> int:
    from bench import synthetic
    from directory.models import Operator, Place

    if places:
        generator = step(
            "synthetic generator", lambda: synthetic.DirectoryGenerator(synthetic.load_commune_points(), seed=SEED)
        )
        # After the demo's places: the stream numbers its own rows.
        generator.next_place_id = (Place.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        generator.next_operator_id = (Operator.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        step(f"{places} synthetic places over France", lambda: synthetic.load_places(generator, places))
    return Place.objects.count()


def measure_france(repeat: int) -> dict[str, Any]:
    import numpy as np
    from django.conf import settings

    from coverage_solver import NearestIndex
    from directory.models import Term
    from observatory.coverage import facilities, france_by_departement
    from territory.models import Commune

    term = Term.objects.get(vocabulary="equipment", code="3d_printer")
    areas, whole = timed(lambda: france_by_departement(term), repeat)
    found = facilities(term)
    rows = list(Commune.objects.values_list("latitude", "longitude"))
    latitude, longitude = np.array([row[0] for row in rows]), np.array([row[1] for row in rows])
    facility_lat = [f.latitude for f in found]
    facility_lon = [f.longitude for f in found]

    def tree_only() -> np.ndarray:
        index = NearestIndex(facility_lat, facility_lon)
        return index.query(latitude, longitude, road_factor=settings.ROAD_FACTOR)[0]

    km, tree = timed(tree_only, repeat)
    return {
        "equipment": term.label,
        "communes": areas[0].communes,
        "facilities": len(found),
        "departements": len(areas) - 1,
        "population_beyond_km": dict(
            zip([f"{km:g}" for km in settings.OBSERVATORY_THRESHOLDS_KM], areas[0].beyond, strict=True)
        ),
        "median_distance_km": round(float(np.median(km)), 1),
        "whole": whole,
        "tree_only": tree,
    }


def measure_whatif(repeat: int, *, exact: bool, exact_communes: bool) -> list[dict[str, Any]]:
    from directory.models import Term
    from observatory import whatif

    term = Term.objects.get(vocabulary="equipment", code="3d_scanner")
    cases = [
        ("p-médiane, 2 lieux parmi les lieux ouverts", whatif.PLACES, whatif.MEDIAN, 2),
        ("p-médiane, 2 lieux parmi les communes", whatif.COMMUNES, whatif.MEDIAN, 2),
        ("p-médiane, 5 lieux parmi les communes", whatif.COMMUNES, whatif.MEDIAN, 5),
        ("couverture maximale à 20 km, 3 lieux parmi les communes", whatif.COMMUNES, whatif.COVERAGE, 3),
    ]
    results = []
    for label, among, objective, k in cases:

        def whole(among: str = among, objective: str = objective, k: int = k) -> tuple:
            instance = whatif.build_instance(term, among=among, radius=20.0)
            return instance, whatif.suggest(instance, k, objective=objective)

        (instance, suggested), whole_times = timed(whole, repeat)
        _, solver_times = timed(
            lambda instance=instance, k=k, objective=objective: whatif.suggest(instance, k, objective=objective),
            repeat,
        )
        result: dict[str, Any] = {
            "case": label,
            "communes": len(instance.population),
            "candidates": len(instance.candidates),
            "sites": [site.label for site in suggested.sites],
            "mean_km": round(suggested.figures.mean_km, 2),
            "within_20_km": suggested.figures.within_radius,
            "whole": whole_times,
            "solver_only": solver_times,
        }
        if exact and (among == whatif.PLACES or exact_communes):
            result["exact"] = solve_exactly(instance, k, objective, suggested)
        results.append(result)
        print(f"    {label}: {whole_times['median_ms']} ms", flush=True)
    return results


def solve_exactly(instance: Any, k: int, objective: str, suggested: Any) -> dict[str, Any]:
    import warnings

    import numpy as np

    try:
        import pulp
        from spopt.locate import MCLP, PMedian
    except ImportError:
        return {"skipped": "spopt and PuLP are test dependencies (requirements-dev.txt)"}
    from observatory import whatif

    cost = np.minimum(instance.cost, instance.baseline[:, None])
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if objective == whatif.COVERAGE:
            model = MCLP.from_cost_matrix(cost, instance.population, service_radius=instance.radius, p_facilities=k)
        else:
            model = PMedian.from_cost_matrix(cost, instance.population, p_facilities=k)
        model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    chosen = [index for index, variable in enumerate(model.fac_vars) if variable.value() > 0.5]
    distances = cost[:, chosen].min(axis=1)
    if objective == whatif.COVERAGE:
        optimum = float(instance.population[distances <= instance.radius].sum())
        ours = float(suggested.figures.within_radius)
        gap = (optimum - ours) / optimum * 100 if optimum else 0.0
    else:
        optimum = float(instance.population @ distances)
        ours = float(instance.population @ suggested.km)
        gap = (ours - optimum) / optimum * 100
    return {
        "seconds": round(seconds, 1),
        "gap_percent": round(gap, 3),
        "sites": [instance.candidates[i].label for i in chosen],
    }


def print_report(results: dict[str, Any]) -> bool:
    france = results["france"]
    print("\nObservatoire — temps mesurés (médiane, pire de", results["repeat"], "essais)")
    print(
        f"France : {france['equipment']}, {france['communes']} communes, {france['facilities']} points de lieux, "
        f"{france['departements']} départements"
    )
    whole, tree = france["whole"], france["tree_only"]
    print(f"  calcul complet (lectures en base comprises) : {whole['median_ms']} ms (pire {whole['max_ms']} ms)")
    print(f"  arbre k-d seul : {tree['median_ms']} ms (pire {tree['max_ms']} ms)")
    # The verdict reads the median: the slowest run shows how much a machine shared with other work can add.
    passed = france["whole"]["median_ms"] < TARGET_SECONDS * 1000
    print(f"  objectif < 1 s (médiane) : {'PASS' if passed else 'FAIL'}")
    print("Nièvre (données de démonstration) : simulation, scanner 3D")
    for case in results["whatif"]:
        ok = case["whole"]["median_ms"] < TARGET_SECONDS * 1000
        passed = passed and ok
        print(
            f"  {case['case']} ({case['communes']} communes × {case['candidates']} candidats) : "
            f"{case['whole']['median_ms']} ms (pire {case['whole']['max_ms']} ms), solveur seul "
            f"{case['solver_only']['median_ms']} ms — {'PASS' if ok else 'FAIL'} ; {', '.join(case['sites'])}"
        )
        exact = case.get("exact")
        if exact and "skipped" in exact:
            print(f"    solveur exact : non lancé ({exact['skipped']})")
        elif exact:
            sites = ", ".join(exact["sites"])
            print(f"    solveur exact (spopt + CBC) : {exact['seconds']} s, écart {exact['gap_percent']} % ; {sites}")
    return passed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for path in OUTPUT_DIR.glob(DATABASE.name + "*"):
        path.unlink()
    setup_django()
    print("== observatory benchmark", flush=True)
    try:
        load_served_territory()
        # The what-if on the demo data alone, before the synthetic places land in the Nièvre too.
        print("  what-if on the Nièvre (demo data)…", flush=True)
        cases = measure_whatif(args.repeat, exact=not args.no_exact, exact_communes=args.exact_communes)
        loaded = {"places": load_national_directory(args.places)}
        print("  France-wide coverage…", flush=True)
        france = measure_france(args.repeat)
    finally:
        if not args.keep:
            from django.db import connection

            connection.close()
            for path in OUTPUT_DIR.glob(DATABASE.name + "*"):
                path.unlink()
    results = {"repeat": args.repeat, "directory": loaded, "france": france, "whatif": cases}
    (OUTPUT_DIR / "observatory.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if print_report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
