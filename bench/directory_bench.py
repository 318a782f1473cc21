"""Server time and weight of the public pages on a synthetic national directory.

    python -m bench.directory_bench [--sizes 30000,300000] [--databases sqlite,postgres]
                                    [--requests 200] [--quick] [--keep] [--reuse]

Each database runs in a worker process of its own (settings are read once, at
import), on a database of its own: never the developer's. The parent prints one
table, checks the targets and writes var/bench/results.json (a --quick smoke run
writes var/bench/quick.json instead, leaving the reference figures alone).
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import report

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "var" / "bench"
SQLITE_PATH = OUTPUT_DIR / "bench.sqlite3"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "aiguillage_bench"
DATABASES = ("sqlite", "postgres")

QUICK_SIZE = 3_000
QUICK_REQUESTS = 30


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.directory_bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="30000,300000", help="places to load, comma-separated (default: %(default)s)"
    )
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite, postgres or both")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and size")
    parser.add_argument("--other-requests", type=int, default=100, help="timed requests for each other public page")
    parser.add_argument(
        "--load-seconds",
        type=int,
        default=10,
        help="load stage (gunicorn + wrk) seconds per page at the smallest size; 0 skips it (default: %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_SIZE} places, SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases, to inspect them")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a --keep run left, without loading (implies --keep)"
    )
    parser.add_argument("--postgres-database", default=POSTGRES_DATABASE, help="created, then dropped, by the run")
    parser.add_argument(
        "--render", action="store_true", help="print the last run again from var/bench/results.json, and its Markdown"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse
    if args.quick:
        args.sizes, args.databases, args.requests, args.other_requests = str(QUICK_SIZE), "sqlite", QUICK_REQUESTS, 5
        args.load_seconds = min(args.load_seconds, 2)
    try:
        args.size_list = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error(f"--sizes must be integers, not {args.sizes!r}")
    args.database_list = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.database_list) - set(DATABASES)
    if unknown or not args.database_list:
        parser.error(f"--databases takes {', '.join(DATABASES)}, not {args.databases!r}")
    if not args.size_list or min(args.size_list) < 1 or args.requests < 1:
        parser.error("--sizes and --requests must be positive")
    return args


# --- Worker side ------------------------------------------------------------------------------


def run_worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from bench import worker

    worker.run(
        database=args.database,
        sizes=args.size_list,
        requests=args.requests,
        other_requests=args.other_requests,
        output=args.output,
        reuse=args.reuse,
        wrk_seconds=args.load_seconds,
        environment=worker_environment(os.environ["DATABASE_URL"]),
    )


# --- Parent side ------------------------------------------------------------------------------


def _postgres_admin():  # noqa: ANN202 - psycopg is imported lazily: SQLite-only runs do not need it
    import psycopg

    return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)


def prepare_database(name: str, postgres_database: str) -> tuple[str | None, str]:
    """A fresh, empty database for the run: its DATABASE_URL, or None and why it is skipped."""
    if name == "sqlite":
        for path in SQLITE_PATH.parent.glob(SQLITE_PATH.name + "*"):
            path.unlink()
        return f"sqlite:///{SQLITE_PATH}", ""
    try:
        with _postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{postgres_database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{postgres_database}"')
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: skip PostgreSQL
        return None, f"PostgreSQL unreachable at {POSTGRES_SERVER} ({error.__class__.__name__}: {error})"
    return f"{POSTGRES_SERVER}/{postgres_database}", ""


def drop_database(name: str, postgres_database: str) -> None:
    if name == "sqlite":
        for path in SQLITE_PATH.parent.glob(SQLITE_PATH.name + "*"):
            path.unlink()
        return
    with _postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{postgres_database}" WITH (FORCE)')


def worker_environment(database_url: str) -> dict[str, str]:
    # Production settings, forced: the Makefile exports DEBUG=true for the developer's server.
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aiguillage.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-never-used-to-sign-anything-real-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    }


def existing_database(name: str, postgres_database: str) -> tuple[str | None, str]:
    """The database a --keep run left, for --reuse: measuring again after a code change takes minutes, not an hour."""
    if name == "sqlite":
        if not SQLITE_PATH.exists():
            return None, f"no {SQLITE_PATH} to reuse: run once with --keep"
        return f"sqlite:///{SQLITE_PATH}", ""
    return f"{POSTGRES_SERVER}/{postgres_database}", ""


def run_database(name: str, args: argparse.Namespace) -> dict[str, Any]:
    if args.reuse:
        database_url, reason = existing_database(name, args.postgres_database)
    else:
        database_url, reason = prepare_database(name, args.postgres_database)
    if database_url is None:
        print(f"\n== {name}: skipped. {reason}", flush=True)
        return {"database": name, "skipped": reason}
    what = "reusing the kept database" if args.reuse else f"{', '.join(str(size) for size in args.size_list)} places"
    print(f"\n== {name}: {what}", flush=True)
    output = OUTPUT_DIR / f"{name}.json"
    output.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.directory_bench",
        "--worker",
        f"--database={name}",
        f"--output={output}",
        f"--sizes={args.sizes}",
        f"--requests={args.requests}",
        f"--other-requests={args.other_requests}",
        f"--load-seconds={args.load_seconds}",
    ]
    if args.reuse:
        command.append("--reuse")
    try:
        completed = subprocess.run(command, cwd=ROOT, env=worker_environment(database_url), check=False)
    finally:
        if not args.keep:
            drop_database(name, args.postgres_database)
    if completed.returncode != 0 or not output.exists():
        return {"database": name, "failed": f"worker exited with status {completed.returncode}"}
    return json.loads(output.read_text(encoding="utf-8"))


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def run_parent(args: argparse.Namespace) -> int:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    reports = [run_database(name, args) for name in args.database_list]
    results = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": args.size_list,
        "requests": args.requests,
        "results_page": "/lieux/?q=imprimante+3D&commune=<code INSEE>&rayon=30",
        "databases": reports,
        "verdicts": report.verdicts(reports),
    }
    write_and_print(results, quick=args.quick)
    failed = any("failed" in database for database in reports)
    return 1 if failed else 0


def result_paths(quick: bool) -> tuple[Path, Path]:
    stem = "quick" if quick else "results"
    return OUTPUT_DIR / f"{stem}.json", OUTPUT_DIR / f"{stem}.md"


def write_and_print(results: dict[str, Any], *, quick: bool) -> None:
    json_path, markdown_path = result_paths(quick)
    json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    markdown_path.write_text(report.markdown(results), encoding="utf-8")
    report.print_text(results)
    print(f"\nJSON: {json_path}; Markdown for docs/benchmarks.md: {markdown_path}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        run_worker(args)
        return 0
    if args.render:
        results = json.loads(result_paths(args.quick)[0].read_text(encoding="utf-8"))
        results["verdicts"] = report.verdicts(results["databases"])
        write_and_print(results, quick=args.quick)
        return 0
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
