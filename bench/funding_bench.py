"""The funding search at 2,000 schemes against the trivial view /sante/, in the same run.

    python -m bench.funding_bench [--schemes 2000] [--databases sqlite,postgres] [--requests 200] [--quick] [--keep]

Like bench.directory_bench (whose database helpers it uses), each database runs in a worker process of its own on
a database of its own. The worker loads France's communes, then a synthetic catalogue: perimeters from Europe down
to lists of communes (most of them in or around the served territory), audiences, themes, expenses, kinds,
programmes, amounts and calendars drawn with a fixed seed. The search page
``/financements/?commune=<INSEE>&beneficiaire=association`` (and a variant with a theme and "open now") is asked
for on 50 communes, interleaved with ``/sante/``; the target is a p95 within 5 times the trivial view's p95. The
parent prints a table, says PASS or FAIL, and writes var/bench/funding.json and funding.md (quick runs:
funding-quick.*).
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import directory_bench
from bench.stats import summarize

ROOT = directory_bench.ROOT
OUTPUT_DIR = directory_bench.OUTPUT_DIR
SQLITE_PATH = OUTPUT_DIR / "funding-bench.sqlite3"
POSTGRES_DATABASE = "aiguillage_funding_bench"
RATIO_TARGET = 5.0
PAGE_LIMIT_BYTES = 100_000
SEED = 20261201
WORDS = ["équipement", "tiers-lieu", "formation", "fablab", "médiation"]
SAMPLE_SIZE = 50
WARMUP = 20
QUICK_SCHEMES = 300
QUICK_REQUESTS = 30
ASSET = re.compile(r"""<(?:link[^>]*\bhref|script[^>]*\bsrc)="(?P<url>/static/[^"]+)\"""")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.funding_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--schemes", type=int, default=2000, help="schemes to load (default: %(default)s)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_SCHEMES} schemes, SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.schemes, args.databases, args.requests = QUICK_SCHEMES, "sqlite", QUICK_REQUESTS
    args.database_list = [name.strip() for name in args.databases.split(",") if name.strip()]
    if set(args.database_list) - {"sqlite", "postgres"} or not args.database_list:
        parser.error(f"--databases takes sqlite, postgres, or both, not {args.databases!r}")
    if args.schemes < 1 or args.requests < 1:
        parser.error("--schemes and --requests must be positive")
    return args


# --- Worker side ------------------------------------------------------------------------------


def load_catalogue(count: int) -> float:
    """A synthetic catalogue written in bulk (the benchmark measures reads): returns the seconds it took."""
    from django.conf import settings
    from django.db import transaction

    from funding.models import Funder, FundingTerm, Scheme, SchemeArea
    from funding.places import regions
    from territory.models import Commune, Epci

    started = time.perf_counter()
    rng = random.Random(SEED)
    served = list(Commune.objects.served().values_list("code", "departement__code", "epci__siren"))
    all_departements = sorted({code for (code,) in Commune.objects.values_list("departement__code").distinct()})
    served_epcis = sorted({siren for _, _, siren in served if siren})
    other_epcis = list(Epci.objects.values_list("siren", flat=True)[:300])
    region_codes = sorted(regions())
    terms: dict[str, list[int]] = {}
    for vocabulary, pk in FundingTerm.objects.values_list("vocabulary", "pk"):
        terms.setdefault(vocabulary, []).append(pk)
    levels = ["eu", "state", "region", "departement", "epci", "commune", "public_body", "foundation", "private"]
    funders = [Funder(name=f"Financeur {index}", level=levels[index % len(levels)]) for index in range(60)]
    with transaction.atomic():
        Funder.objects.bulk_create(funders)
        funders = list(Funder.objects.all())
        schemes = []
        for index in range(count):
            recurrence = rng.choices(["one_off", "ongoing", "yearly"], [6, 2, 2])[0]
            scheme = Scheme(
                title=f"Dispositif {index} {rng.choice(WORDS)}",
                summary="Un dispositif synthétique du banc de mesure.",
                status=rng.choices(["published", "closed", "draft"], [85, 10, 5])[0],
                recurrence=recurrence,
                source="bench",
                source_id=str(index),
                amount_ceiling=rng.choice([None, 5000, 15000, 50000, 200000]),
            )
            today = dt.date(2026, 12, 1)
            if recurrence == "one_off":
                scheme.opens_on = today - dt.timedelta(days=rng.randint(0, 200))
                scheme.closes_on = scheme.opens_on + dt.timedelta(days=rng.randint(20, 500))
            elif recurrence == "yearly":
                start, end = rng.randint(1, 12), rng.randint(1, 12)
                scheme.window_start_month, scheme.window_start_day = start, rng.randint(1, 28)
                scheme.window_end_month, scheme.window_end_day = (
                    end if end != start else end % 12 + 1,
                    rng.randint(1, 28),
                )
            schemes.append(scheme)
        for scheme in schemes:
            scheme.slug = f"dispositif-{scheme.source_id}"
            scheme.needs_check = True
        Scheme.objects.bulk_create(schemes, batch_size=500)
        schemes = list(Scheme.objects.filter(source="bench").order_by("pk"))
        areas = []
        through: dict[str, list[Any]] = {
            name: [] for name in ("beneficiaries", "themes", "expenses", "kinds", "programmes", "funders")
        }
        for scheme in schemes:
            kind = rng.choices(["eu", "france", "region", "departement", "epci", "commune"], [5, 10, 20, 35, 20, 10])[0]
            if kind in ("eu", "france"):
                areas.append(SchemeArea(scheme=scheme, kind=kind, code=""))
            elif kind == "region":
                areas.append(SchemeArea(scheme=scheme, kind=kind, code=rng.choice(region_codes)))
            elif kind == "departement":
                pool = settings.TERRITORY_DEPARTEMENTS if rng.random() < 0.3 else all_departements
                areas.append(SchemeArea(scheme=scheme, kind=kind, code=rng.choice(pool)))
            elif kind == "epci":
                areas.append(
                    SchemeArea(
                        scheme=scheme, kind=kind, code=rng.choice(served_epcis if rng.random() < 0.5 else other_epcis)
                    )
                )
            else:
                for code, _, _ in rng.sample(served, k=min(len(served), rng.randint(1, 20))):
                    areas.append(SchemeArea(scheme=scheme, kind=kind, code=code))
            for name, vocabulary, most in (
                ("beneficiaries", "beneficiary", 4),
                ("themes", "theme", 3),
                ("expenses", "expense", 3),
                ("kinds", "kind", 2),
                ("programmes", "programme", 1),
            ):
                field = getattr(Scheme, name).through
                for term_id in rng.sample(terms[vocabulary], k=rng.randint(0, most)):
                    through[name].append(field(scheme_id=scheme.pk, fundingterm_id=term_id))
            for funder in rng.sample(funders, k=rng.randint(1, 2)):
                through["funders"].append(Scheme.funders.through(scheme_id=scheme.pk, funder_id=funder.pk))
        SchemeArea.objects.bulk_create(areas, batch_size=2000)
        for name, rows in through.items():
            getattr(Scheme, name).through.objects.bulk_create(rows, batch_size=2000)
    return time.perf_counter() - started


def _timed(client: Any, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed


def run_worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.worker import collect_static
    from funding import catalogue
    from funding.models import Scheme
    from funding.places import location_of_commune
    from funding_match import Query
    from territory.loader import load_territory
    from territory.models import Commune

    stack = ExitStack()
    print("  collectstatic…", flush=True)
    static_problem = collect_static(stack, OUTPUT_DIR / "funding-static")
    print("  migrate…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("  territory…", flush=True)
    load_territory()
    print(f"  {args.schemes} schemes…", flush=True)
    load_seconds = load_catalogue(args.schemes)
    rng = random.Random(SEED)
    served = list(Commune.objects.served().values_list("code", flat=True))
    sample = sorted({"58194", "58149", *rng.sample(served, k=min(SAMPLE_SIZE - 2, len(served)))})
    urls = [f"/financements/?commune={code}&beneficiaire=association" for code in sample]
    urls += [
        f"/financements/?commune={code}&beneficiaire=fablab&theme=digital_fabrication&ouvert=on" for code in sample[:10]
    ]
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    started = time.perf_counter()
    client.get(urls[0])
    cold_ms = (time.perf_counter() - started) * 1000
    for index in range(WARMUP):
        client.get(urls[index % len(urls)])
        client.get("/sante/")
    search_ms, trivial_ms = [], []
    print(f"  search and /sante/, {args.requests} requests each…", flush=True)
    for index in range(args.requests):
        search_ms.append(_timed(client, urls[index % len(urls)]))
        trivial_ms.append(_timed(client, "/sante/"))
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(urls[0])
    body = response.content
    html = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    css = sum(
        len(b"".join(client.get(url, HTTP_ACCEPT_ENCODING="gzip").streaming_content))
        for url in ("/static/css/site.css", "/static/funding/funding.css")
    )
    snapshot = catalogue.current()
    pure_ms = []
    location = location_of_commune(Commune.objects.select_related("departement", "epci").get(code="58149"))
    query = Query(location=location, beneficiaries=frozenset({"association"}))
    for _ in range(200):
        started = time.perf_counter()
        snapshot.catalogue.find(query)
        pure_ms.append((time.perf_counter() - started) * 1000)
    report = {
        # Other processes share the machine: the load average tells how far to trust the timings.
        "load_average": os.getloadavg(),
        "database": args.database,
        "static_problem": static_problem,
        "vendor": connection.vendor,
        "schemes": Scheme.objects.count(),
        "public_schemes": len(snapshot.catalogue),
        "load_seconds": load_seconds,
        "cold_first_search_ms": cold_ms,
        "search": summarize(search_ms),
        "trivial": summarize(trivial_ms),
        "pure_find": summarize(pure_ms),
        "queries": len(executed),
        "page_bytes": {"html_gzip": len(body), "html_raw": len(html), "css_gzip": css, "total": len(body) + css},
        "results_on_page": html.decode().count('class="card"'),
    }
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    stack.close()


# --- Parent side ------------------------------------------------------------------------------


def prepare(name: str) -> tuple[str | None, str]:
    if name == "sqlite":
        for path in SQLITE_PATH.parent.glob(SQLITE_PATH.name + "*"):
            path.unlink()
        return f"sqlite:///{SQLITE_PATH}", ""
    try:
        with directory_bench._postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: skip PostgreSQL
        return None, f"PostgreSQL unreachable ({error.__class__.__name__}: {error})"
    return f"{directory_bench.POSTGRES_SERVER}/{POSTGRES_DATABASE}", ""


def drop(name: str) -> None:
    if name == "sqlite":
        for path in SQLITE_PATH.parent.glob(SQLITE_PATH.name + "*"):
            path.unlink()
        return
    with directory_bench._postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


def run_database(name: str, args: argparse.Namespace) -> dict[str, Any]:
    url, reason = prepare(name)
    if url is None:
        print(f"\n== {name}: skipped. {reason}", flush=True)
        return {"database": name, "skipped": reason}
    print(f"\n== {name}: {args.schemes} schemes", flush=True)
    output = OUTPUT_DIR / f"funding-{name}.json"
    output.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.funding_bench",
        "--worker",
        f"--database={name}",
        f"--output={output}",
        f"--schemes={args.schemes}",
        f"--requests={args.requests}",
    ]
    try:
        completed = subprocess.run(command, cwd=ROOT, env=directory_bench.worker_environment(url), check=False)
    finally:
        if not args.keep:
            drop(name)
    if completed.returncode != 0 or not output.exists():
        return {"database": name, "failed": f"worker exited with status {completed.returncode}"}
    return json.loads(output.read_text(encoding="utf-8"))


def verdicts(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checks = []
    for report in reports:
        if "search" not in report:
            continue
        ratio = report["search"]["p95"] / report["trivial"]["p95"]
        checks.append(
            {
                "database": report["database"],
                "check": f"funding search p95 <= {RATIO_TARGET:.0f} x /sante/ p95",
                "value": f"{ratio:.1f}x",
                "passed": ratio <= RATIO_TARGET,
            }
        )
        checks.append(
            {
                "database": report["database"],
                "check": "search page <= 100 KB transferred",
                "value": f"{report['page_bytes']['total'] / 1000:.1f} KB",
                "passed": report["page_bytes"]["total"] <= PAGE_LIMIT_BYTES,
            }
        )
    return checks


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Mesure du {results['date']}, {results['machine']['cores']} cœurs ({results['machine']['cpu']}), Python "
        f"{results['machine']['python']}, {results['requests']} requêtes par page. Temps serveur en ms.",
        "",
        "| base | dispositifs | chargement | recherche méd. | recherche p95 | max | /sante/ méd. | /sante/ p95 | "
        "rapport p95 | rapport méd. | requêtes SQL | recherche seule (p95) | page (gzip) | charge |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for report in results["databases"]:
        if "search" not in report:
            lines.append(f"| {report['database']} | {report.get('skipped') or report.get('failed')} |")
            continue
        search, trivial = report["search"], report["trivial"]
        lines.append(
            f"| {report['database']} | {report['schemes']:,} | {report['load_seconds']:.0f} s | "
            f"{search['median']:.1f} | "
            f"{search['p95']:.1f} | {search['max']:.1f} | {trivial['median']:.1f} | {trivial['p95']:.1f} | "
            f"{search['p95'] / trivial['p95']:.1f}× | {search['median'] / trivial['median']:.0f}× | "
            f"{report['queries']} | {report['pure_find']['p95']:.2f} | {report['page_bytes']['total'] / 1000:.1f} Ko | "
            f"{report['load_average'][0]:.1f} |".replace(",", "\u202f")
        )
    lines += [
        "",
        *(
            f"- {'PASS' if check['passed'] else 'FAIL'} {check['database']}: {check['check']} ({check['value']})"
            for check in results["verdicts"]
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        run_worker(args)
        return 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    reports = [run_database(name, args) for name in args.database_list]
    results = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": directory_bench.machine(),
        "schemes": args.schemes,
        "requests": args.requests,
        "search_page": "/financements/?commune=<code INSEE>&beneficiaire=association (and 10 with a theme and ouvert)",
        "databases": reports,
        "verdicts": verdicts(reports),
    }
    stem = "funding-quick" if args.quick else "funding"
    (OUTPUT_DIR / f"{stem}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = markdown(results)
    (OUTPUT_DIR / f"{stem}.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    failed = any("failed" in report for report in reports) or not all(check["passed"] for check in results["verdicts"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
