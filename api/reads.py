"""What the read endpoints share: one rate limit, their documented answers, and conditional GET (ETag, 304)."""

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from ninja.throttling import BaseThrottle

from accounts.throttle import client_ip
from api.security import CacheThrottle, reads_limit

JSON = "application/json; charset=utf-8"


def read_throttle() -> list[BaseThrottle]:
    return [CacheThrottle(reads_limit, client_ip)]


RETRY_AFTER = {"Retry-After": {"description": "Secondes à attendre avant de réessayer.", "schema": {"type": "integer"}}}
RATE_LIMITED: dict[int, dict[str, Any]] = {
    429: {"description": "Trop d'appels depuis cette adresse IP : réessayez après Retry-After.", "headers": RETRY_AFTER}
}
INVALID: dict[int, dict[str, Any]] = {
    422: {"description": "Un paramètre ne convient pas : un message par paramètre en cause."}
}
VALIDATORS = {
    "ETag": {
        "description": "Empreinte de la réponse : renvoyez-la dans If-None-Match pour ne la recevoir que si elle a "
        "changé.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "Date de la dernière modification d'un lieu (absente quand l'annuaire est vide).",
        "schema": {"type": "string"},
    },
}
NOT_MODIFIED: dict[int, dict[str, Any]] = {
    304: {
        "description": "Rien n'a changé depuis la réponse désignée par If-None-Match (ou, sans lui, depuis la date "
        "de If-Modified-Since) : gardez-la. Pas de corps.",
        "headers": VALIDATORS,
    }
}
CONDITIONAL_PARAMETERS = [
    {
        "in": "header",
        "name": "If-None-Match",
        "required": False,
        "description": "L'ETag d'une réponse déjà reçue (ou plusieurs, séparés par des virgules) : 304 sans corps "
        "si elle n'a pas changé.",
        "schema": {"type": "string"},
    },
    {
        "in": "header",
        "name": "If-Modified-Since",
        "required": False,
        "description": "Une date HTTP (celle de Last-Modified) : 304 sans corps si rien n'a changé depuis. Ignoré "
        "avec If-None-Match.",
        "schema": {"type": "string"},
    },
]
CONDITIONAL_NOTE = (
    " Réponses conditionnelles : chaque réponse porte `ETag` et `Last-Modified` ; avec `If-None-Match` (prioritaire) "
    "ou `If-Modified-Since`, la réponse est 304 sans corps quand rien n'a changé."
)


def conditional_json(request: HttpRequest, data: Any, *, last_modified: dt.datetime | None) -> HttpResponse:
    """data as JSON, or 304 when the client's copy is still good; the ETag is a digest of the body itself."""
    content = json.dumps(data, ensure_ascii=False).encode("utf-8")
    # Weak: GZipMiddleware would weaken a strong one anyway, and the same JSON compressed is the same data.
    etag = f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'
    if _not_modified(request, etag, last_modified):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=JSON)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = f"public, max-age={max(0, settings.API_READS_MAX_AGE)}"
    return response


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def _not_modified(request: HttpRequest, etag: str, last_modified: dt.datetime | None) -> bool:
    # RFC 9110 § 13.2.2: If-None-Match, when present, decides alone (with the weak comparison).
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or _opaque(etag) in {_opaque(tag) for tag in tags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since
