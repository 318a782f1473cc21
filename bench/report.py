"""The issue's targets, and the run's figures as a text table (terminal) and as Markdown (docs).

No Django here: the parent process formats what the workers measured.
"""

from collections.abc import Callable
from typing import Any

P95_TARGET_MS = 50.0
GROWTH_TARGET = 2.0
PAGE_LIMIT_KB = 100
SUGGESTIONS_P95_TARGET_MS = 20.0
# Every public page within this many times the trivial view's p95 (same process, same run) at the smallest size,
# and within PAGE_GROWTH_TARGET of its own p95 at the largest.
PAGE_RATIO_TARGET = 5.0
PAGE_GROWTH_TARGET = 1.5
# Submissions under load (gunicorn, 2 workers, 200 connections): rate, p95, and none lost.
SUBMISSIONS_PER_SECOND_TARGET = 200.0
SUBMISSIONS_P95_TARGET_MS = 1000.0


def measured(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [database for database in results["databases"] if database.get("sizes")]


def rows_by_size(results: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(database, places, figures) for every size measured, in run order."""
    return [
        (database["database"], int(size), data)
        for database in measured(results)
        for size, data in sorted(database["sizes"].items(), key=lambda item: int(item[0]))
    ]


def verdicts(databases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """p95 under 50 ms at the smallest size, at most twice that at the largest, every page under 100 KB."""
    checks = []
    for database in databases:
        if not database.get("sizes"):
            continue
        name = database["database"]
        sizes = sorted(database["sizes"], key=int)
        smallest, largest = sizes[0], sizes[-1]
        p95 = {size: database["sizes"][size]["timings"]["results"]["p95"] for size in sizes}
        checks.append(
            {
                "database": name,
                "check": f"p95 at {int(smallest):,} places < {P95_TARGET_MS:.0f} ms",
                "check_fr": f"p95 à {_fr(int(smallest))} lieux < {P95_TARGET_MS:.0f} ms",
                "value": f"{p95[smallest]:.1f} ms",
                "passed": p95[smallest] < P95_TARGET_MS,
            }
        )
        if largest != smallest:
            growth = p95[largest] / p95[smallest]
            checks.append(
                {
                    "database": name,
                    "check": f"p95 {int(largest):,} / p95 {int(smallest):,} <= {GROWTH_TARGET:.0f}",
                    "check_fr": f"p95 à {_fr(int(largest))} / p95 à {_fr(int(smallest))} ≤ {GROWTH_TARGET:.0f}",
                    "value": f"{growth:.2f}",
                    "passed": growth <= GROWTH_TARGET,
                }
            )
        checks += _suggestion_verdicts(name, database["sizes"], sizes)
        checks += page_verdicts(name, database["sizes"], sizes)
        checks += load_verdicts(name, database.get("load_stage") or {})
        heavy = sorted(
            {
                page
                for data in database["sizes"].values()
                for page, weight in data["page_weights"].items()
                if weight["over_limit"]
            }
        )
        checks.append(
            {
                "database": name,
                "check": f"every public page <= {PAGE_LIMIT_KB} KB transferred (tiles aside)",
                "check_fr": f"chaque page publique ≤ {PAGE_LIMIT_KB} Ko transférés (hors tuiles)",
                "value": ", ".join(heavy) if heavy else "all under",
                "passed": not heavy,
            }
        )
    return checks


def _suggestion_verdicts(name: str, figures: dict[str, Any], sizes: list[str]) -> list[dict[str, Any]]:
    """Suggestions (issue "Demandes et aiguillage"): p95 in process under 20 ms at the smallest size, and a cost
    that grows less than the directory (sub-linear: the p95 ratio below the ratio of sizes)."""
    p95 = {size: figures[size]["suggestions"]["in_process"]["p95"] for size in sizes if "suggestions" in figures[size]}
    if not p95:
        return []
    smallest, largest = min(p95, key=int), max(p95, key=int)
    checks = [
        {
            "database": name,
            "check": f"suggestions p95 in process at {int(smallest):,} places < {SUGGESTIONS_P95_TARGET_MS:.0f} ms",
            "check_fr": f"suggestions : p95 en processus à {_fr(int(smallest))} lieux "
            f"< {SUGGESTIONS_P95_TARGET_MS:.0f} ms",
            "value": f"{p95[smallest]:.1f} ms",
            "passed": p95[smallest] < SUGGESTIONS_P95_TARGET_MS,
        }
    ]
    if largest != smallest:
        growth, size_ratio = p95[largest] / p95[smallest], int(largest) / int(smallest)
        checks.append(
            {
                "database": name,
                "check": f"suggestions p95 {int(largest):,} / p95 {int(smallest):,} < {size_ratio:.0f} (sub-linear)",
                "check_fr": f"suggestions : p95 à {_fr(int(largest))} / p95 à {_fr(int(smallest))} "
                f"< {size_ratio:.0f} (sous-linéaire)",
                "value": f"{growth:.2f}",
                "passed": growth < size_ratio,
            }
        )
    return checks


def page_verdicts(name: str, figures: dict[str, Any], sizes: list[str]) -> list[dict[str, Any]]:
    """Each public page: p95 within PAGE_RATIO_TARGET × the trivial view's at the smallest size, and growth."""
    smallest, largest = sizes[0], sizes[-1]
    pages = figures[smallest].get("pages", {})
    checks = []
    for page, data in pages.items():
        checks.append(
            {
                "database": name,
                "check": f"{page}: p95 / trivial p95 at {int(smallest):,} places <= {PAGE_RATIO_TARGET:.0f}",
                "check_fr": f"{page} : p95 / p95 de la vue triviale à {_fr(int(smallest))} lieux "
                f"≤ {PAGE_RATIO_TARGET:.0f}",
                "value": f"{data['ratio_p95']:.1f}× ({data['page']['p95']:.1f} / {data['trivial']['p95']:.1f} ms)",
                "passed": data["ratio_p95"] <= PAGE_RATIO_TARGET,
            }
        )
        large = figures[largest].get("pages", {}).get(page)
        if largest != smallest and large:
            growth = large["page"]["p95"] / data["page"]["p95"]
            checks.append(
                {
                    "database": name,
                    "check": f"{page}: p95 {int(largest):,} / p95 {int(smallest):,} <= {PAGE_GROWTH_TARGET}",
                    "check_fr": f"{page} : p95 à {_fr(int(largest))} / p95 à {_fr(int(smallest))} "
                    f"≤ {PAGE_GROWTH_TARGET}".replace(".", ","),
                    "value": f"{growth:.2f} ({large['page']['p95']:.1f} / {data['page']['p95']:.1f} ms)",
                    "passed": growth <= PAGE_GROWTH_TARGET,
                }
            )
    return checks


def load_verdicts(name: str, stage: dict[str, Any]) -> list[dict[str, Any]]:
    """The submission runs: at least 200 a second with a p95 under 1 s on PostgreSQL, none lost, no error."""
    checks = []
    for kind, run in (stage.get("submissions") or {}).items():
        errors = sum(run["errors"].values())
        label = "POST /api/v1/requests" if kind == "api" else "POST /demande/"
        checks.append(
            {
                "database": name,
                "check": f"{label}: 0 lost, 0 errors",
                "check_fr": f"{label} : aucune perdue, aucune erreur",
                "value": f"{run['created']} created, {run['rows_added']} rows, {errors} errors",
                "passed": run["created"] <= run["rows_added"] and errors == 0,
            }
        )
        if name == "postgres":
            checks.append(
                {
                    "database": name,
                    "check": f"{label}: >= {SUBMISSIONS_PER_SECOND_TARGET:.0f}/s, "
                    f"p95 < {SUBMISSIONS_P95_TARGET_MS:.0f} ms at {stage.get('submit_connections')} connections",
                    "check_fr": f"{label} : ≥ {SUBMISSIONS_PER_SECOND_TARGET:.0f}/s, p95 < "
                    f"{SUBMISSIONS_P95_TARGET_MS:.0f} ms à {stage.get('submit_connections')} connexions",
                    "value": f"{run['per_second']:.0f}/s, p95 {run['p95_ms']:.0f} ms",
                    "passed": run["per_second"] >= SUBMISSIONS_PER_SECOND_TARGET
                    and run["p95_ms"] < SUBMISSIONS_P95_TARGET_MS,
                }
            )
    return checks


def _load_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for database in measured(results):
        stage = database.get("load_stage") or {}
        for page, run in (stage.get("pages") or {}).items():
            rows.append(
                [
                    page,
                    database["database"],
                    _thousands(stage["places"]),
                    f"{run['page']['per_second']:.0f}",
                    f"{run['trivial']['per_second']:.0f}",
                    f"{run['page']['per_second'] / run['trivial']['per_second']:.2f}"
                    if run["trivial"]["per_second"]
                    else "-",
                    f"{run['page']['p95_ms']:.0f}",
                    str(run["page"]["errors"]["status"]),
                ]
            )
    return rows


def _submission_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for database in measured(results):
        stage = database.get("load_stage") or {}
        for kind, run in (stage.get("submissions") or {}).items():
            rows.append(
                [
                    "API" if kind == "api" else "formulaire",
                    database["database"],
                    str(stage.get("submit_connections")),
                    f"{run['per_second']:.0f}",
                    f"{run['p50_ms']:.0f}",
                    f"{run['p95_ms']:.0f}",
                    str(run["created"]),
                    str(run["rows_added"]),
                    str(max(0, run["created"] - run["rows_added"])),
                    str(sum(run["errors"].values())),
                ]
            )
    return rows


LOAD_HEADERS = ["page", "database", "places", "req/s", "trivial req/s", "page / trivial", "p95 ms", "non-2xx"]
LOAD_HEADERS_FR = ["page", "base", "lieux", "req/s", "req/s triviale", "page / triviale", "p95 ms", "non 2xx"]
SUBMISSION_HEADERS = [
    "run",
    "database",
    "connections",
    "per s",
    "p50 ms",
    "p95 ms",
    "created",
    "rows",
    "lost",
    "errors",
]
SUBMISSION_HEADERS_FR = ["envoi", "base", "connexions", "par s", "p50 ms", "p95 ms", "créées", "lignes", "perdues"]
SUBMISSION_HEADERS_FR.append("erreurs")


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _fr(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _thousands(number: int) -> str:
    return f"{number:,}"


def _timing_rows(results: dict[str, Any], places: Callable[[int], str] = _thousands) -> list[list[str]]:
    rows = []
    # Each size extends the previous one: the time to load a size is the sum of the steps up to it.
    loaded: dict[str, float] = {}
    for name, size, data in rows_by_size(results):
        loaded[name] = loaded.get(name, 0.0) + data["load_seconds"]
        page, trivial = data["timings"]["results"], data["timings"]["trivial"]
        rows.append(
            [
                name,
                places(size),
                f"{loaded[name]:.0f} s",
                _ms(page["median"]),
                _ms(page["p95"]),
                _ms(page["max"]),
                _ms(trivial["median"]),
                _ms(trivial["p95"]),
                _ms(trivial["max"]),
                f"{page['median'] / trivial['median']:.0f}×",
                str(data["queries"]["count"]),
                f"{data['hits_in_radius']['median']} / {data['hits_in_radius']['max']}",
            ]
        )
    return rows


def _page_rows(
    results: dict[str, Any], places: Callable[[int], str] = _thousands, *, key: str = "pages"
) -> list[list[str]]:
    """One row per page, database and size: p95 of the page and of the trivial view beside it, their ratio.

    ``key``: "pages" (as served: kept pages from their copy) or "pages_rendered" (rendered at every request)."""
    rows = []
    for name, size, data in rows_by_size(results):
        for page, timing in data.get(key, {}).items():
            rows.append(
                [
                    page,
                    name,
                    places(size),
                    _ms(timing["page"]["median"]),
                    _ms(timing["page"]["p95"]),
                    _ms(timing["trivial"]["p95"]),
                    f"{timing['ratio_p95']:.1f}×",
                    str(timing["queries"]),
                ]
            )
    rows.sort(key=lambda row: row[0])
    return rows


PAGE_HEADERS = ["page", "database", "places", "med ms", "p95 ms", "trivial p95", "ratio p95", "queries"]
PAGE_HEADERS_FR = ["page", "base", "lieux", "médiane", "p95", "p95 triviale", "rapport p95", "requêtes SQL"]


def _weight_rows(results: dict[str, Any]) -> list[list[str]]:
    rows_data = rows_by_size(results)
    if not rows_data:
        return []
    # Weights hardly depend on the directory's size: those of the last size measured.
    weights = rows_data[-1][2]["page_weights"]
    rows = []
    for page, weight in weights.items():
        assets = sum(asset["bytes"] for asset in weight["assets"])
        flag = f"OVER {PAGE_LIMIT_KB} KB" if weight["over_limit"] else "ok"
        rows.append([page, str(weight["html_gzip"]), str(weight["html_raw"]), str(assets), str(weight["total"]), flag])
    return rows


def print_text(results: dict[str, Any]) -> None:
    machine = results["machine"]
    print("\n" + "=" * 100)
    print(f"aiguillage benchmark, {results['date']}, {machine['cores']} cores, {machine['cpu']}")
    print(f"Results page: {results['results_page']}, {results['requests']} requests over 50 communes,")
    print("interleaved with the trivial view /sante/. Server time in ms, measured around the Django test client.")
    headers = ["database", "places", "load", "res med", "res p95", "res max"]
    headers += ["triv med", "triv p95", "triv max", "ratio", "queries", "hits med / max"]
    print(table(headers, _timing_rows(results)))

    print("\nSuggestions (need + commune → ranked places), ms: in process (bridge + engine) and over HTTP:")
    for name, size, data in rows_by_size(results):
        found = data.get("suggestions")
        if found:
            local, http = found["in_process"], found["http"]
            print(
                f"  {name} {size:,}: in process median {local['median']:.1f} p95 {local['p95']:.1f}; "
                f"HTTP median {http['median']:.1f} p95 {http['p95']:.1f}; "
                f"{found['suggestions_median']} suggestions (median)"
            )

    rows = _page_rows(results)
    if rows:
        print("\nEvery public page beside the trivial view /sante/ (interleaved, same process), server time in ms:")
        print(table(PAGE_HEADERS, rows))
    rows = _page_rows(results, key="pages_rendered")
    if rows:
        print("\nThe pages kept for anonymous visitors, rendered at every request (a first visit after a change):")
        print(table(PAGE_HEADERS, rows))

    print("\nSlowest results page (commune with the highest median), its queries run again to the last row:")
    for name, size, data in rows_by_size(results):
        profile = data["slowest_queries"]
        print(f"  {name} {size:,}: {profile['url']}: {profile['count']} queries, {profile['total_ms']:.1f} ms in SQL")
        for query in profile["slowest"][:3]:
            print(f"    {query['ms']:7.1f} ms {query['rows']:6} rows  {query['sql'][:130]}")

    rows = _load_rows(results)
    if rows:
        print("\nLoad stage: gunicorn (2 workers) on loopback, wrk at 20 connections, the trivial view just before:")
        print(table(LOAD_HEADERS, rows))
    rows = _submission_rows(results)
    if rows:
        print(
            "\nSubmissions under load (wrk; the run's rows, found by a marker in their description, "
            "counted once the last answers have landed):"
        )
        print(table(SUBMISSION_HEADERS, rows))
    for database in measured(results):
        if (database.get("load_stage") or {}).get("skipped"):
            print(f"  load stage skipped ({database['database']}): {database['load_stage']['skipped']}")

    rows = _weight_rows(results)
    if rows:
        print("\nPage weight in bytes (HTML gzip as sent / HTML uncompressed; + linked CSS, JS, marker images):")
        print(table(["page", "html gzip", "html raw", "assets", "total", ""], rows))

    print("\nLoad average of the machine while measuring (1, 5, 15 min):")
    for name, size, data in rows_by_size(results):
        print(f"  {name} {size:,}: {', '.join(f'{value:.1f}' for value in data['load_average'])}")
    for database in measured(results):
        if database.get("static_problem"):
            print(f"\nWARNING ({database['database']}): collectstatic fails with the production storage:")
            print(f"  {database['static_problem']}")
            print("  Static files were measured with WhiteNoise's CompressedStaticFilesStorage instead (same gzip).")

    print("\nTargets:")
    for check in results["verdicts"]:
        print(f"  {'PASS' if check['passed'] else 'FAIL'}  {check['database']:8}  {check['check']}: {check['value']}")
    for database in results["databases"]:
        if not database.get("sizes"):
            print(f"  SKIP  {database['database']:8}  {database.get('skipped') or database.get('failed')}")


def markdown(results: dict[str, Any]) -> str:
    """The tables of docs/benchmarks.md, in French like the rest of the documentation."""
    machine = results["machine"]
    parts = [
        f"Mesure du {results['date']}, {machine['cores']} cœurs ({machine['cpu']}), Python {machine['python']}, "
        f"{results['requests']} requêtes par page et par taille. Temps serveur en ms.",
        "",
        "Page de résultats (`/lieux/?q=imprimante+3D&commune=<code INSEE>&rayon=30`) et vue triviale (`/sante/`) :",
        "",
        markdown_table(
            ["base", "lieux", "chargement", "médiane", "p95", "max", "triviale méd.", "triviale p95", "triviale max"]
            + ["rapport", "requêtes SQL", "lieux à 30 km méd./max"],
            _timing_rows(results, _fr),
        ),
    ]
    suggestion_rows = [
        [
            name,
            _fr(size),
            _ms(data["suggestions"]["in_process"]["median"]),
            _ms(data["suggestions"]["in_process"]["p95"]),
            _ms(data["suggestions"]["http"]["median"]),
            _ms(data["suggestions"]["http"]["p95"]),
        ]
        for name, size, data in rows_by_size(results)
        if data.get("suggestions")
    ]
    if suggestion_rows:
        parts += ["", "Suggestions (besoin + commune → lieux classés), ms :", ""]
        parts.append(markdown_table(["base", "lieux", "en processus méd.", "p95", "HTTP méd.", "p95"], suggestion_rows))
    rows = _page_rows(results, _fr)
    if rows:
        parts += [
            "",
            "Chaque page publique à côté de la vue triviale `/sante/` (en alternance), telle que servie (les pages "
            "gardées pour les visiteurs non connectés, depuis leur copie), ms :",
            "",
        ]
        parts.append(markdown_table(PAGE_HEADERS_FR, rows))
    rows = _page_rows(results, _fr, key="pages_rendered")
    if rows:
        parts += [
            "",
            "Les mêmes pages rendues à chaque requête, comme la première visite après un changement (sans copie "
            "gardée ; pour information, hors objectif), ms :",
            "",
        ]
        parts.append(markdown_table(PAGE_HEADERS_FR, rows))
    rows = _load_rows(results)
    if rows:
        parts += [
            "",
            "Charge : gunicorn (2 processus) en local, wrk à 20 connexions, la vue triviale juste avant :",
            "",
        ]
        parts.append(markdown_table(LOAD_HEADERS_FR, rows))
    rows = _submission_rows(results)
    if rows:
        parts += [
            "",
            "Envois sous charge (wrk ; lignes de la série, reconnues à une marque dans leur description, comptées "
            "une fois les dernières réponses arrivées) :",
            "",
        ]
        parts.append(markdown_table(SUBMISSION_HEADERS_FR, rows))
    rows = _weight_rows(results)
    if rows:
        parts += [
            "",
            "Poids transféré (octets ; HTML compressé gzip / non compressé ; CSS, JS et marqueurs liés) :",
            "",
            markdown_table(["page", "HTML gzip", "HTML brut", "CSS/JS", "total", ""], rows),
        ]
    parts += ["", "Objectifs :", ""]
    for check in results["verdicts"]:
        outcome = "réussi" if check["passed"] else "**échec**"
        parts.append(f"- {outcome} — {check['database']} : {check['check_fr']} ({check['value']})")
    return "\n".join(parts) + "\n"
