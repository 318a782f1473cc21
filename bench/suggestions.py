"""Suggestions over the synthetic directory: in-process (the bridge and the engine) and over HTTP (the API).

The requests mix needs that call for machines and for services, for
individuals and professionals, over the same sample of communes as the
results page, so that the figures of both benches can be read side by side.
"""

import json
import time
from typing import Any

from django.test import Client

from bench.stats import summarize
from demandes import suggestions
from territory.models import Commune

WARMUP = 10
CASES = (
    ("Je voudrais imprimer une pièce en 3D", "individual", 1),
    ("Scanner les pieds de mes clients en 3D", "professional", 1),
    ("Broder 300 t-shirts pour notre club", "association", 300),
    ("Comprendre l'intelligence artificielle", "individual", 1),
    ("Faire ma retraite en ligne", "individual", 1),
)


def measure_suggestions(client: Client, commune_codes: list[str], requests: int) -> dict[str, Any]:
    communes = Commune.objects.in_bulk(commune_codes, field_name="code")
    index = suggestions.categories()
    cases = []
    for text, audience, quantity in CASES:
        needs = [index[category.code][1] for category, _ in suggestions.qualify(text)]
        cases.append((text, needs, audience, quantity))

    def in_process(i: int) -> tuple[float, int]:
        _, needs, audience, quantity = cases[i % len(cases)]
        commune = communes[commune_codes[i % len(commune_codes)]]
        started = time.perf_counter()
        result = suggestions.suggest(needs=needs, commune=commune, audience=audience, quantity=quantity)
        return (time.perf_counter() - started) * 1000, len(result.suggestions)

    def over_http(i: int) -> float:
        text, _, audience, quantity = cases[i % len(cases)]
        body = {
            "description": text,
            "commune": commune_codes[i % len(commune_codes)],
            "audience": audience,
            "quantity": quantity,
        }
        started = time.perf_counter()
        response = client.post(
            "/api/v1/suggestions",
            data=json.dumps(body),
            content_type="application/json",
            REMOTE_ADDR=f"10.0.{i % 250}.1",
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"POST /api/v1/suggestions answered {response.status_code}: {response.content[:200]!r}")
        return elapsed

    for i in range(WARMUP):
        in_process(i)
        over_http(i)
    local, found = [], []
    http = []
    for i in range(requests):
        elapsed, count = in_process(i)
        local.append(elapsed)
        found.append(count)
        http.append(over_http(i))
    found.sort()
    return {
        "in_process": summarize(local),
        "http": summarize(http),
        "suggestions_median": found[len(found) // 2],
        "requests": requests,
    }
