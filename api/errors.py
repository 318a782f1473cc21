"""Every answer the API gives to a problem: JSON, in French, in one shape, and never a crash.

The shape is ``{"detail": "…", "errors": [{"field": "…", "message": "…"}]}``:

- 400 when the body cannot be read as a JSON object (not JSON, not UTF-8, wrong content type, empty, an array);
- 422 when it can, but values are wrong (one entry per problem, with the field at the top level of the body);
- 401 without a valid token, 405 for a wrong method, 413 for a body too large, 429 when rate-limited.
"""

import json
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

logger = logging.getLogger("api")

INVALID = "Requête invalide."
BODY = "body"


class BodyError(Exception):
    """The body is not a JSON object; the message says why, in French."""


class BadBody(ValidationError):
    """A body that is not an object, or none at all: answered with 400, not 422."""


class JsonParser(Parser):
    """JSON only, declared as such, in UTF-8, without the NaN and Infinity that JSON does not have."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != "application/json":
            raise BodyError("Envoyez le corps de la requête en JSON, avec l'en-tête Content-Type: application/json.")
        try:
            return json.loads(request.body.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise BodyError("Le corps de la requête n'est pas du JSON valide (UTF-8).") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def error_body(detail: str, errors: Iterable[Mapping[str, str]] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": [{"field": error["field"], "message": error["message"]} for error in errors]}


def json_response(status: int, detail: str, errors: Iterable[Mapping[str, str]] = ()) -> HttpResponse:
    return HttpResponse(
        json.dumps(error_body(detail, errors), ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _expected(ctx: Mapping[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", " ou ")


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "Ce champ est obligatoire."
    if kind == "extra_forbidden":
        return "Ce champ n'existe pas dans l'API : vérifiez son nom."
    if kind == "string_type":
        return "Une chaîne de caractères est attendue."
    if kind == "string_unicode":
        return "Le texte contient des caractères non autorisés."
    if kind == "string_too_short":
        return f"{ctx.get('min_length')} caractère(s) au moins." if "min_length" in ctx else error["msg"]
    if kind == "string_too_long":
        return f"{ctx.get('max_length')} caractères au plus."
    if kind == "string_pattern_mismatch":
        return "Ce format n'est pas valide."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Un nombre entier est attendu."
    if kind in ("float_type", "float_parsing", "finite_number"):
        return "Un nombre est attendu."
    if kind in ("bool_type", "bool_parsing"):
        return "true ou false est attendu."
    if kind in ("list_type", "tuple_type", "set_type"):
        return "Une liste est attendue."
    if kind == "too_short":
        return f"Au moins {ctx.get('min_length')} élément(s), ou omettez ce champ."
    if kind == "too_long":
        return f"{ctx.get('max_length')} éléments au plus."
    if kind == "greater_than_equal":
        return f"La valeur doit être supérieure ou égale à {_number(ctx.get('ge'))}."
    if kind == "greater_than":
        return f"La valeur doit être strictement supérieure à {_number(ctx.get('gt'))}."
    if kind == "less_than_equal":
        return f"La valeur doit être inférieure ou égale à {_number(ctx.get('le'))}."
    if kind == "less_than":
        return f"La valeur doit être strictement inférieure à {_number(ctx.get('lt'))}."
    if kind == "literal_error":
        return f"Valeur inconnue. Valeurs possibles : {_expected(ctx)}."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "Un objet JSON est attendu."
    if kind in ("none_required", "none_type"):
        return "La valeur doit être null."
    if error.get("msg") and not str(error["msg"]).isascii():
        # Our own validators raise errors whose message is already French.
        return str(error["msg"])
    return "Valeur invalide."


def _number(value: object) -> str:
    """A bound as French writes it: 1 000 000, 0,5."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\N{NO-BREAK SPACE}")
    return str(value).replace(".", ",")


FIELD_MESSAGES: Mapping[tuple[str, str], str] = {
    ("commune", "string_pattern_mismatch"): "Code INSEE invalide : cinq caractères, par exemple 58095 "
    "(ou 2A004 en Corse). Le code postal ne convient pas.",
    ("description", "missing"): "Décrivez le besoin en quelques mots.",
    ("description", "string_too_short"): "Décrivez le besoin en quelques mots (3 caractères au moins).",
    ("description", "string_too_long"): "La description est trop longue (5 000 caractères au plus).",
    ("commune", "missing"): "Indiquez le code INSEE de la commune de la personne.",
    ("needs", "string_pattern_mismatch"): "Code de besoin invalide : minuscules ASCII, chiffres et « _ ».",
    ("situations", "string_pattern_mismatch"): "Code de situation invalide : minuscules ASCII, chiffres et « _ ».",
    ("q", "missing"): "Indiquez un nom de commune, un code postal ou un code INSEE.",
    ("q", "string_too_short"): "Indiquez un nom de commune, un code postal ou un code INSEE.",
}


def french_errors(errors: Iterable[Mapping[str, Any]]) -> tuple[bool, list[dict[str, str]]]:
    """Pydantic's errors as (is the body itself wrong, [{field, message}]), one entry per problem."""
    result: list[dict[str, str]] = []
    body_problem = False
    for error in errors:
        # The body's schema is validated as the one parameter of the view: its name comes first.
        loc = tuple(error.get("loc", ()))[1:]
        if not loc:
            body_problem = True
            if error["type"] == "missing":
                message = "Le corps de la requête est vide : envoyez un objet JSON."
            elif error["type"] == "string_unicode":
                message = "Le corps de la requête contient des caractères non autorisés."
            else:
                message = "Le corps de la requête doit être un objet JSON."
            result.append({"field": BODY, "message": message})
            continue
        # An unknown field is named as the client wrote it: keep it short and encodable.
        field = str(loc[0])[:100].encode("utf-8", "replace").decode("utf-8")
        message = FIELD_MESSAGES.get((field, error["type"])) or _message(error)
        position = next((part for part in loc[1:] if isinstance(part, int)), None)
        if position is not None:
            message = f"Élément n° {position + 1} : {message[:1].lower()}{message[1:]}"
        result.append({"field": field, "message": message})
    return body_problem, result


# Handlers, registered on the API in api.v1.


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    status = 400 if isinstance(exc, BadBody) else 422
    return json_response(status, INVALID, exc.errors)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        if request.headers.get("Authorization"):
            detail = "Jeton d'API invalide ou révoqué."
        else:
            detail = "Authentification requise : envoyez l'en-tête Authorization: Bearer <jeton>."
        response = json_response(401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="aiguillage"'
        return response
    if isinstance(exc, Throttled):
        # ninja sends the same rounding in the Retry-After header.
        wait = f" dans {max(1, math.ceil(exc.wait))} secondes" if exc.wait is not None else " plus tard"
        return json_response(429, f"Trop de requêtes : réessayez{wait}.")
    if isinstance(exc.__cause__, BodyError):
        return json_response(400, INVALID, [{"field": BODY, "message": str(exc.__cause__)}])
    return json_response(exc.status_code, str(exc))


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return json_response(404, "Ressource introuvable.")


def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return json_response(413, "Le corps de la requête est trop volumineux.")


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unexpected error in the API at %s", request.path, exc_info=exc)
    return json_response(500, "Erreur interne : elle a été enregistrée et sera corrigée. Réessayez plus tard.")


def french_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with plain English text: answer it like any other error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            french = json_response(405, f"Méthode {request.method} non autorisée : utilisez {allowed}.")
            french["Allow"] = allowed
            return french
        return response

    return wrapper


HANDLERS: Mapping[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
    Exception: on_unexpected,
    Http404: on_not_found,
    RequestDataTooBig: on_too_big,
    HttpError: on_http_error,
    ValidationError: on_validation_error,
}
