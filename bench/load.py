"""Load stage: gunicorn on loopback, driven by wrk, every public page beside the trivial view, then submissions.

Runs from the benchmark worker (Django set up, the synthetic directory loaded and committed): gunicorn serves the
same database with the production settings; wrk (Debian package ``wrk``) asks each page's URLs in turn for a few
seconds at a bounded number of connections and reports requests per second and latency percentiles. The
submission runs POST /api/v1/requests and the public form, count the answers that said "created" and compare
them with the rows the database gained: a submission answered 201 (or 200 for the form) without its row is lost.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.getenv("BENCH_PORT", "8765"))
PAGE_CONNECTIONS = 20
SUBMIT_CONNECTIONS = 200
WRK_THREADS = 2

# One Lua script for every run: paths taken in turn, answers counted by status, figures printed as JSON.
LUA = r"""
local paths = {}
local method, body, headers = "GET", nil, {}
local counter = 0
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  if args[2] ~= nil and args[2] ~= "" then
    method = "POST"
    local f = io.open(args[2], "r")
    body = f:read("*a")
    f:close()
  end
  for i = 3, #args, 2 do headers[args[i]] = args[i + 1] end
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local text = body
  if text ~= nil then text = string.gsub(text, "{n}", tostring(counter)) end
  return wrk.format(method, path, headers, text)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do total[status] = (total[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(total) do table.insert(parts, string.format('"%d": %d', status, count)) end
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status, table.concat(parts, ", ")))
end
"""


def wrk_available() -> str | None:
    return shutil.which("wrk")


class Server:
    """gunicorn with the repository's configuration, on loopback, for the length of a with block."""

    def __init__(self, environment: dict[str, str], *, workers: int = 2) -> None:
        self.environment = {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_MAX_REQUESTS": "0",
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "aiguillage.wsgi"],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sante/", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        log = Path(self.log.name)
        # A server error under load is kept to be read: its traceback is in gunicorn's log.
        if "Traceback" in log.read_text(errors="replace"):
            kept = ROOT / "var" / "bench" / f"gunicorn-{time.strftime('%Y%m%d-%H%M%S')}.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, kept)
            print(f"    gunicorn logged errors: {kept}", flush=True)
        log.unlink(missing_ok=True)


def run_wrk(
    paths: list[str],
    *,
    seconds: int,
    connections: int,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as work:
        script, path_file, body_file = Path(work, "run.lua"), Path(work, "paths"), Path(work, "body")
        script.write_text(LUA)
        path_file.write_text("\n".join(paths) + "\n")
        arguments = [str(path_file), ""]
        if body is not None:
            body_file.write_text(body)
            arguments[1] = str(body_file)
        for name, value in (headers or {}).items():
            arguments += [name, value]
        command = [
            "wrk",
            f"-t{min(WRK_THREADS, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
            "--",
            *arguments,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    found = re.search(r"^WRKJSON (.*)$", completed.stdout, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk said nothing usable: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    figures = json.loads(found.group(1))
    figures["per_second"] = figures["requests"] / figures["seconds"] if figures["seconds"] else 0.0
    return figures


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def measure_pages(pages: dict[str, list[str]], *, seconds: int) -> dict[str, Any]:
    """Requests per second of each page, the trivial view measured right before it (same server, same minute)."""
    results = {}
    for name, urls in pages.items():
        trivial = run_wrk(["/sante/"], seconds=max(2, seconds // 2), connections=PAGE_CONNECTIONS)
        page = run_wrk(urls, seconds=seconds, connections=PAGE_CONNECTIONS)
        results[name] = {
            "page": page,
            "trivial": trivial,
            "ratio": trivial["per_second"] / page["per_second"] if page["per_second"] else None,
        }
        print(
            f"      {name:24} {page['per_second']:8.0f} req/s (trivial {trivial['per_second']:6.0f}), "
            f"p95 {page['p95_ms']:.0f} ms, non-2xx {page['errors']['status']}",
            flush=True,
        )
    return results


def api_token() -> str:
    from accounts.models import ApiToken, Organisation, OrganisationKind

    organisation, _ = Organisation.objects.get_or_create(
        siret="13000000000099", defaults={"name": "Outil partenaire du banc", "kind": OrganisationKind.CHAMBER}
    )
    _, key = ApiToken.issue(organisation=organisation, name="banc de charge")
    return key


def form_credentials() -> tuple[str, str]:
    """A CSRF cookie and the token of the public form, read as a browser would."""
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/demande/", timeout=30) as answer:  # noqa: S310
        page = answer.read().decode()
        cookie = next(value.split(";", 1)[0] for name, value in answer.headers.items() if name.lower() == "set-cookie")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token in /demande/")
    return cookie, token.group(1)


def count_requests(marker: str) -> int:
    """The rows of one run: its submissions carry its marker in their description."""
    from demandes.models import Request

    return Request.objects.filter(description__contains=marker).count()


def settled_count(marker: str, *, longest: float = 20.0) -> int:
    """The run's rows once the submissions still in flight when wrk stopped counting have landed (at most one
    per connection): the count twice the same half a second apart."""
    deadline = time.monotonic() + longest
    last = count_requests(marker)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = count_requests(marker)
        if now == last:
            break
        last = now
    return last


def _tally(run: dict[str, Any], created_status: str, marker: str) -> dict[str, Any]:
    run["created"] = run["statuses"].get(created_status, 0)
    run["rows_added"] = settled_count(marker)
    # A row without a counted answer is a submission answered after wrk's count stopped; an answer without its
    # row is a lost submission.
    run["lost"] = max(0, run["created"] - run["rows_added"])
    run["answered_late"] = max(0, run["rows_added"] - run["created"])
    return run


def measure_submissions(commune_codes: list[str], *, seconds: int, connections: int) -> dict[str, Any]:
    from urllib.parse import urlencode

    results = {}
    api_marker, form_marker = f"série API {time.time_ns()}", f"série formulaire {time.time_ns()}"
    body = json.dumps(
        {
            "description": f"Imprimer une pièce en 3D pour réparer un appareil, {api_marker} demande {{n}}",
            "commune": commune_codes[0],
            "audience": "individual",
            "contact_email": "banc{n}@exemple.invalid",
            "consent": True,
        },
        ensure_ascii=False,
    )
    api = run_wrk(
        ["/api/v1/requests"],
        seconds=seconds,
        connections=connections,
        body=body,
        headers={"Authorization": f"Bearer {api_token()}", "Content-Type": "application/json"},
    )
    results["api"] = _tally(api, "201", api_marker)
    print(_submission_line("POST /api/v1/requests", api), flush=True)

    cookie, token = form_credentials()
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "description": f"Comprendre l'intelligence artificielle, {form_marker} demande NUM",
            "commune": commune_codes[0],
            "audience": "individual",
            "contact_email": "forme@exemple.invalid",
            "consent": "on",
        }
    ).replace("NUM", "{n}")
    web = run_wrk(
        ["/demande/"],
        seconds=seconds,
        connections=connections,
        body=form,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    results["form"] = _tally(web, "200", form_marker)
    print(_submission_line("POST /demande/ (form)", web), flush=True)
    return results


def _submission_line(label: str, run: dict[str, Any]) -> str:
    return (
        f"      {label:24} {run['per_second']:6.0f} submissions/s, "
        f"p95 {run['p95_ms']:.0f} ms, created {run['created']}, rows {run['rows_added']}, lost {run['lost']}, "
        f"answered after the count {run['answered_late']}, "
        f"statuses {run['statuses']}, socket errors {run['errors']}"
    )


def run(
    environment: dict[str, str], pages: dict[str, list[str]], commune_codes: list[str], *, seconds: int
) -> dict[str, Any]:
    """The whole stage; returns its figures, or why it was skipped."""
    if wrk_available() is None:
        return {"skipped": "wrk is not installed (Debian package wrk; make bench installs it)"}
    if not _free(PORT):
        return {"skipped": f"port {PORT} is taken (BENCH_PORT chooses another)"}
    load_environment = {
        **environment,
        # The load generator is one client: the per-address and per-token limits would refuse it after a few.
        "REQUEST_THROTTLE_PER_IP": "100000000",
        "REQUEST_THROTTLE_PER_SESSION": "100000000",
        "API_REQUESTS_THROTTLE_PER_TOKEN": "100000000",
        "API_READS_THROTTLE_PER_IP": "100000000",
    }
    from django.db import connections

    connections.close_all()
    with Server(load_environment):
        print(f"    load stage: gunicorn (2 workers) on 127.0.0.1:{PORT}, wrk, {seconds} s a page…", flush=True)
        figures = {"pages": measure_pages(pages, seconds=seconds)}
        print(f"    submissions: {SUBMIT_CONNECTIONS} connections, {seconds} s each…", flush=True)
        figures["submissions"] = measure_submissions(commune_codes, seconds=seconds, connections=SUBMIT_CONNECTIONS)
        figures["submit_connections"] = SUBMIT_CONNECTIONS
    return figures
