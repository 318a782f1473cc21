"""One database's run: load the synthetic directory size after size, and measure the public pages.

Runs in its own process, because Django reads DATABASE_URL once at import; the
parent (``bench.directory_bench``) starts one worker per database and gathers
the JSON each one writes. Import this module only after ``django.setup()``.
"""

import gc
import gzip
import json
import os
import re
import shutil
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import synthetic
from bench.stats import summarize
from bench.suggestions import measure_suggestions
from directory.models import Place, PlaceStatus
from directory.search import SearchQuery, search
from territory.loader import load_territory
from territory.models import Commune

SEED = 20261128
NEED = "imprimante 3D"
RADIUS_KM = 30
SAMPLE_SIZE = 50
# Nevers (prefecture) and Luzy (rural, at the edge of the département): the two ends of the served territory.
REQUIRED_COMMUNES = ("58194", "58149")
PAGE_LIMIT_BYTES = 100_000
WARMUP_REQUESTS = 20
WEIGHED_PAGES = ("home", "results", "map", "place", "all_places", "request_form", "data_notice", "widget")
ASSET = re.compile(r"""<(?:link[^>]*\bhref|script[^>]*\bsrc)="(?P<url>/static/[^"]+)\"""")


def results_url(commune_code: str, *, view: str = "/lieux/", radius: int | None = RADIUS_KM) -> str:
    # The commune by INSEE code, as the results page's own links carry it (a typed "ou" is looked up by name
    # or postcode: 5 digits there are first read as a postcode, which is another commune for some codes).
    params = {"q": NEED, "commune": commune_code}
    if radius is not None:
        params["rayon"] = str(radius)
    return f"{view}?{urlencode(params)}"


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _get(client: Client, url: str, **headers: str) -> HttpResponseBase:
    response = client.get(url, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    _get(client, url)
    return (time.perf_counter() - started) * 1000


def measure_timings(client: Client, commune_codes: list[str], requests: int) -> dict[str, Any]:
    """Results page and trivial view, interleaved so that both see the same machine state."""
    urls = [results_url(code) for code in commune_codes]
    for index in range(WARMUP_REQUESTS):
        _get(client, urls[index % len(urls)])
        _get(client, "/sante/")
    results_ms: list[float] = []
    trivial_ms: list[float] = []
    by_commune: dict[str, list[float]] = {code: [] for code in commune_codes}
    for index in range(requests):
        code = commune_codes[index % len(commune_codes)]
        elapsed = _timed(client, urls[index % len(urls)])
        results_ms.append(elapsed)
        by_commune[code].append(elapsed)
        trivial_ms.append(_timed(client, "/sante/"))
    # By median, so that one garbage collection or a neighbour's burst does not pick the commune.
    slowest = max(by_commune, key=lambda code: statistics.median(by_commune[code]) if by_commune[code] else 0.0)
    return {
        "results": summarize(results_ms),
        "trivial": summarize(trivial_ms),
        "slowest_commune": slowest,
    }


def measure_pages(client: Client, pages: dict[str, list[str]], requests: int) -> dict[str, Any]:
    """Every public page, each interleaved with the trivial view: the ratio of their p95 is the page's own cost.

    Each page goes through its list of URLs in turn (communes, places, pages of the list): after the warm-up
    every URL has been asked once, so that the figures are those of a server in service (caches warm).
    """
    timings = {}
    for name, urls in pages.items():
        for url in urls:
            _get(client, url)
        for _ in range(3):
            _get(client, "/sante/")
        page_ms: list[float] = []
        trivial_ms: list[float] = []
        for index in range(requests):
            page_ms.append(_timed(client, urls[index % len(urls)]))
            trivial_ms.append(_timed(client, "/sante/"))
        with CaptureQueriesContext(connection) as captured:
            _get(client, urls[0])
        page, trivial = summarize(page_ms), summarize(trivial_ms)
        timings[name] = {
            "url": urls[0],
            "urls": len(urls),
            "page": page,
            "trivial": trivial,
            "ratio_p95": page["p95"] / trivial["p95"],
            "queries": len(captured.captured_queries),
        }
    return timings


# Pages kept as rendered for anonymous visitors (aiguillage.page_cache): measured as served (a copy while nothing
# changed), then rendered at every request, as the first visitor after a change gets them.
KEPT_PAGES = frozenset(
    {"results", "results_by_name", "place", "map", "all_places", "widget", "ressources", "agenda", "observatoire"}
)


def rendered_every_time() -> override_settings:
    return override_settings(PUBLIC_PAGES_KEPT_SECONDS=0)


def is_kept(name: str) -> bool:
    return name in KEPT_PAGES or name.startswith("feuille-de-route")


def query_profile(client: Client, url: str) -> dict[str, Any]:
    """The page's queries, each timed again with its rows fetched.

    Django records only the execute call, and SQLite does most of its work while the
    rows are fetched: running each query again, to the last row, gives the true cost.
    """
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    queries = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            started = time.perf_counter()
            cursor.execute(query["sql"])
            rows = len(cursor.fetchall())
            queries.append({"ms": (time.perf_counter() - started) * 1000, "rows": rows, "sql": query["sql"][:300]})
    return {
        "url": url,
        "count": len(queries),
        "total_ms": sum(query["ms"] for query in queries),
        "slowest": sorted(queries, key=lambda query: -query["ms"])[:4],
    }


def hits_in_radius(commune_codes: list[str]) -> dict[str, Any]:
    """How many places each search has to rank: the part of the cost that grows with density."""
    totals = []
    communes = Commune.objects.in_bulk(commune_codes, field_name="code")
    for code in commune_codes:
        result = search(SearchQuery(need=NEED, commune=communes[code], radius_km=RADIUS_KM))
        totals.append(result.total)
    totals.sort()
    return {"median": totals[len(totals) // 2], "max": max(totals), "min": min(totals)}


def page_weight(client: Client, url: str, extra_assets: list[str]) -> dict[str, Any]:
    """Bytes a browser transfers for the page: gzip HTML as GZipMiddleware sends it, then its CSS and JS."""
    compressed = _get(client, url, HTTP_ACCEPT_ENCODING="gzip")
    body = _body(compressed)
    html = gzip.decompress(body) if compressed.get("Content-Encoding") == "gzip" else body
    assets = []
    for asset_url in [*dict.fromkeys(ASSET.findall(html.decode())), *extra_assets]:
        # WhiteNoise serves the .gz file collectstatic made, as it would in production.
        response = _get(client, asset_url, HTTP_ACCEPT_ENCODING="gzip")
        raw = _body(response)
        assets.append({"url": asset_url, "bytes": len(raw), "encoding": response.get("Content-Encoding", "")})
    total = len(body) + sum(asset["bytes"] for asset in assets)
    return {
        "url": url,
        "html_gzip": len(body),
        "html_raw": len(html),
        "assets": assets,
        "total": total,
        "over_limit": total > PAGE_LIMIT_BYTES,
    }


def measure_page_weights(client: Client, pages: dict[str, str]) -> dict[str, Any]:
    # Leaflet draws every marker with these two images, which leaflet.css does not link.
    marker_images = [
        staticfiles_storage.url("vendor/leaflet/images/marker-icon.png"),
        staticfiles_storage.url("vendor/leaflet/images/marker-shadow.png"),
    ]
    return {name: page_weight(client, url, marker_images if name == "map" else []) for name, url in pages.items()}


def _step(label: str, action: Callable[[], Any]) -> tuple[Any, float]:
    print(f"  {label}…", flush=True)
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def collect_static(stack: ExitStack, static_root: Path) -> str:
    """Collect static files as production does; return why the fallback was needed, if it was."""
    shutil.rmtree(static_root, ignore_errors=True)
    # Into var/bench/, not the project's STATIC_ROOT: the benchmark leaves the working tree alone.
    stack.enter_context(override_settings(STATIC_ROOT=static_root))
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        return ""
    except Exception as error:  # noqa: BLE001 - reported, then measured with the closest storage that works
        problem = str(error).strip().splitlines()[0]
        print(f"  WARNING: production collectstatic fails: {problem}", flush=True)
    # Same gzip copies, without hashed names: the weights measured stay those of production.
    stack.enter_context(
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
            }
        )
    )
    call_command("collectstatic", interactive=False, verbosity=0)
    return problem


def run(
    *,
    database: str,
    sizes: list[int],
    requests: int,
    other_requests: int,
    output: Path,
    reuse: bool,
    wrk_seconds: int = 0,
    environment: dict[str, str] | None = None,
) -> None:
    with ExitStack() as stack:
        static_problem, collect_seconds = _step(
            "collectstatic", lambda: collect_static(stack, output.parent / "static")
        )
        _, migrate_seconds = _step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
        territory_seconds = 0.0
        if not reuse:
            _, territory_seconds = _step("territory", load_territory)
        seed_modules()
        communes = synthetic.load_commune_points()
        generator = synthetic.DirectoryGenerator(communes, seed=SEED)
        sample = synthetic.sample_communes(communes, seed=SEED, size=SAMPLE_SIZE, required=REQUIRED_COMMUNES)
        report: dict[str, Any] = {
            "database": database,
            "vendor": connection.vendor,
            "server_version": _server_version(),
            "static_problem": static_problem,
            "setup_seconds": {
                "collectstatic": collect_seconds,
                "migrate": migrate_seconds,
                "territory": territory_seconds,
            },
            "communes": len(communes),
            "sample_communes": sample,
            "sizes": {},
        }
        client = Client(HTTP_ACCEPT_ENCODING="gzip")
        if reuse:
            size = Place.objects.count()
            print(f"  {size} places already there; measuring…", flush=True)
            report["sizes"][str(size)] = measure_size(client, sample, requests, other_requests, 0.0)
            if wrk_seconds:
                report["load_stage"] = load_stage(sample, wrk_seconds, environment or {}, output.parent / "static")
            sizes = []
        loaded = 0
        for size in sorted(sizes):
            load_seconds = synthetic.load_places(generator, size - loaded)
            loaded = size
            # Measure a process as a server's would be, not one carrying the loader's heap: what survives the
            # load leaves the collector's reach, as gunicorn's master does before forking (deploy/gunicorn.conf.py).
            gc.collect()
            gc.freeze()
            print(f"  {size} places loaded in {load_seconds:.1f} s; measuring…", flush=True)
            report["sizes"][str(size)] = measure_size(client, sample, requests, other_requests, load_seconds)
            if wrk_seconds and size == min(sizes):
                report["load_stage"] = load_stage(sample, wrk_seconds, environment or {}, output.parent / "static")
    output.write_text(json.dumps(report, indent=2), encoding="utf-8")


# Pages of the modules, measured when their app is installed and the page answers 200 on the benchmark's data
# (modules that need a catalogue of their own, like funding, have their own bench module: bench/*_bench.py).
MODULE_PAGES = {
    "roadmap": ["/feuille-de-route/"],
    "library": ["/ressources/", "/agenda/", "/veille/"],
    "observatory": ["/observatoire/"],
}
SAMPLE_PLACES = 50
LIST_PAGES = (1, 2, 3, 10, 50)


def sample_places() -> list[Place]:
    """Open places spread over the directory, Nevers's first: a fixed sample, the same at every size."""
    nevers = Place.objects.filter(commune__code=REQUIRED_COMMUNES[0], status=PlaceStatus.OPEN).order_by("pk")[:1]
    step = max(1, synthetic.CHUNK_SIZE // SAMPLE_PLACES)
    # The first 30,000 places are the same at every size: pick among them so that both sizes ask the same pages.
    spread = Place.objects.filter(status=PlaceStatus.OPEN, pk__lte=30_000, pk__in=range(1, 30_000, step))
    return [*nevers, *spread.order_by("pk")[: SAMPLE_PLACES - 1]] or [Place.objects.public().order_by("pk").first()]


def seed_modules() -> None:
    """The modules' own demonstration data where they ship a loader (the roadmap of the committee of June 2024)."""
    if apps.is_installed("roadmap"):
        from roadmap.seed import load_roadmap_demo

        load_roadmap_demo()


def module_pages(client: Client) -> dict[str, list[str]]:
    found = {}
    for app, paths in MODULE_PAGES.items():
        if not apps.is_installed(app):
            continue
        urls = list(paths)
        if app == "roadmap":
            from roadmap.models import ActionSheet, Roadmap

            roadmap = Roadmap.objects.filter(is_public=True).order_by("pk").first()
            sheet = ActionSheet.objects.filter(roadmap=roadmap).order_by("code").first() if roadmap else None
            urls += [item.get_absolute_url() for item in (roadmap, sheet) if item is not None]
        for url in urls:
            if client.get(url).status_code == 200:
                found[url.strip("/")] = [url]
            else:
                print(f"    {url}: not measured (does not answer 200 on the benchmark's data)", flush=True)
    return found


def public_pages(client: Client, sample: list[str]) -> dict[str, list[str]]:
    """Every public page the issue lists, each with the URLs it goes through."""
    communes = Commune.objects.in_bulk(sample, field_name="code")
    places = sample_places()
    pages = {
        "home": ["/"],
        "results": [results_url(code) for code in sample],
        "results_by_name": [
            f"/lieux/?{urlencode({'q': NEED, 'ou': communes[code].name, 'rayon': RADIUS_KM})}" for code in sample
        ],
        "place": [place.get_absolute_url() for place in places],
        "map": [results_url(code, view="/carte/", radius=None) for code in sample],
        "all_places": [f"/lieux/?page={page}" if page > 1 else "/lieux/" for page in LIST_PAGES],
        "request_form": ["/demande/"],
        "data_notice": ["/donnees/"],
        "widget": [f"/widget/?{urlencode({'besoin': NEED, 'commune': code})}" for code in sample],
    }
    pages.update(module_pages(client))
    return pages


def load_stage(sample: list[str], seconds: int, environment: dict[str, str], static_root: Path) -> dict[str, Any]:
    """gunicorn and wrk over the same pages (bench/load.py), at the size just measured in process."""
    from bench import load

    client = Client()
    pages = public_pages(client, sample)
    # Everything the stage writes (submissions, their emails) is the run's: the database is dropped afterwards.
    return {
        "places": Place.objects.count(),
        **load.run({**environment, "STATIC_ROOT": str(static_root)}, pages, sample, seconds=seconds),
    }


def measure_size(
    client: Client, sample: list[str], requests: int, other_requests: int, load_seconds: float
) -> dict[str, Any]:
    pages = public_pages(client, sample)
    print(f"    results page (rendered every time) and /sante/, {requests} requests each…", flush=True)
    with rendered_every_time():
        timings = measure_timings(client, sample, requests)
    # Other processes share the machine: the load average tells how far to trust the timings.
    load_average = os.getloadavg()
    print(f"    suggestions, in process and over the API, {requests} each…", flush=True)
    suggestion_timings = measure_suggestions(client, sample, requests)
    print(f"    every public page beside /sante/, {other_requests} requests each…", flush=True)
    page_timings = measure_pages(client, pages, other_requests)
    print(f"    the same pages rendered every time (a first visit), {other_requests} requests each…", flush=True)
    with rendered_every_time():
        rendered_timings = measure_pages(
            client, {name: urls for name, urls in pages.items() if is_kept(name)}, other_requests
        )
    weighed = {name: urls[0] for name, urls in pages.items() if name in WEIGHED_PAGES}
    return {
        "places": Place.objects.count(),
        "load_seconds": load_seconds,
        "timings": timings,
        "suggestions": suggestion_timings,
        "load_average": load_average,
        "load_average_after": os.getloadavg(),
        "pages": page_timings,
        "pages_rendered": rendered_timings,
        **_query_profiles(client, timings["slowest_commune"]),
        "hits_in_radius": hits_in_radius(sample),
        "page_weights": measure_page_weights(client, weighed),
        "debug": settings.DEBUG,
    }


def _query_profiles(client: Client, slowest_commune: str) -> dict[str, Any]:
    with rendered_every_time():
        return {
            "queries": query_profile(client, results_url(REQUIRED_COMMUNES[0])),
            "slowest_queries": query_profile(client, results_url(slowest_commune)),
        }


def _server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])
