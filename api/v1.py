"""Version 1 of the API, mounted at /api/v1/: suggestions of places for a need, and requests from partners.

A contract partners' tools rely on: add fields, never change or remove one without a new version.
"""

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import DocsBase

from accounts.models import ApiToken
from accounts.throttle import client_ip
from api import communes, cors, errors, idempotency, places, vocabularies
from api.schemas import (
    ErrorOut,
    NeedOut,
    RequestCreatedOut,
    RequestSubmission,
    SuggestionOut,
    SuggestionQuery,
    SuggestionsOut,
)
from api.security import CacheThrottle, OrganisationToken, requests_limit, suggestions_limit, token_subject
from demandes import suggestions
from demandes.intake import Created, prepare_request, record_request
from demandes.models import Channel, IdempotentSubmission, NeedCategory
from directory.models import Place, Term, Vocabulary
from funding import api as funding_api
from routing.engine import RoutingResult
from routing.labels import format_km
from routing.qualify import Category
from territory.lookup import commune_by_code
from territory.models import Commune
from territory.served import outside_message

DESCRIPTION = """\
API de l'aiguillage : lire l'annuaire des lieux d'innovation numérique, trouver le bon lieu pour un besoin, et
transmettre une demande à la coordination.

- `GET /places`, `GET /places/{id}`, `GET /communes`, `GET /vocabularies` lisent l'annuaire, ses communes et ses
  vocabulaires. Publics, limités en nombre d'appels par adresse IP, ouverts en CORS à toute origine (GET, HEAD,
  OPTIONS). Les lieux portent leur licence : Licence Ouverte 2.0, ou ODbL 1.0 avec la mention « MedNum BFC » pour
  les lieux issus de sa cartographie.
- `GET /funding/schemes` et `GET /funding/schemes/{id}` lisent le catalogue des financements (mêmes filtres que la
  page « Trouver un financement ») : publics, limités en nombre d'appels par adresse IP, ouverts en CORS.
- `POST /suggestions` est public (limité en nombre d'appels par adresse IP, ouvert en CORS) et n'enregistre rien.
- `POST /requests` enregistre une demande au nom d'une organisation partenaire, avec son jeton d'API. Pas de CORS :
  le jeton ne doit jamais figurer dans une page web.

Le corps des requêtes est un objet JSON (`Content-Type: application/json`). Les erreurs ont toujours la même forme :
`{"detail": "…", "errors": [{"field": "…", "message": "…"}]}` ; 400 quand le corps n'est pas un objet JSON,
422 quand une valeur ne convient pas, 401 sans jeton valide, 404 pour une ressource inconnue, 429 quand la limite
d'appels est atteinte (l'en-tête `Retry-After` dit dans combien de secondes réessayer). Les codes (publics,
accessibilité, besoins, équipements…) sont ceux de `/vocabularies` ; les communes sont désignées par leur code INSEE.
"""


class AiguillageAPI(NinjaAPI):
    """ninja, with every error in French and in one shape."""

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        raw: list[dict[str, Any]] = []
        for context in error_contexts:
            source = context.model.__ninja_param_source__
            for error in context.pydantic_validation_error.errors():
                if source != "body":
                    # A parameter is named as the client writes it, in place of the view's argument.
                    names = getattr(context.model, "__ninja_flatten_map_reverse__", {})
                    raw.append({**error, "loc": (source, *names.get(error["loc"], error["loc"]))})
                else:
                    raw.append(dict(error))
        body_problem, french = errors.french_errors(raw)
        return (errors.BadBody if body_problem else ValidationError)(french)

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = cors.open_to_any_origin(errors.french_method_not_allowed(pattern.callback), pattern.name)
        return patterns, app_name, namespace


class LocalSwagger(DocsBase):
    """Swagger UI from the copy that ships with django-ninja, served as our own static files: no CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        swagger = {"url": openapi_url, "layout": "BaseLayout", "deepLinking": True, "validatorUrl": None}
        return render(request, "api/docs.html", {"api": api, "openapi_url": openapi_url, "swagger": swagger})


api = AiguillageAPI(
    title="aiguillage API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    parser=errors.JsonParser(),
)
for exception_class, handler in errors.HANDLERS.items():
    api.add_exception_handler(exception_class, handler)
for router in (places.router, communes.router, vocabularies.router, funding_api.router):
    api.add_router("", router)

ERROR_RESPONSES = {
    400: {"description": "Le corps de la requête n'est pas un objet JSON (ou n'est pas déclaré en JSON)."},
    413: {"description": "Le corps de la requête est trop volumineux."},
    422: {"description": "Une ou plusieurs valeurs ne conviennent pas : un message par champ."},
    429: {
        "description": "Trop d'appels : réessayez après le délai donné par l'en-tête Retry-After.",
        "headers": {
            "Retry-After": {"description": "Secondes à attendre avant de réessayer.", "schema": {"type": "integer"}}
        },
    },
}


CONSENT_REQUIRED = "Sans l'accord de la personne (consent: true), ses coordonnées ne peuvent pas être enregistrées."


@dataclass
class Resolved:
    commune: Commune
    # None: find the needs in the description.
    needs: list[NeedCategory] | None
    categories: dict[str, tuple[NeedCategory, Category]]
    situations: list[Term]
    accessibility: list[Term]


def _resolve(
    payload: SuggestionQuery,
    *,
    situations: Sequence[str] = (),
    problems: list[dict[str, str]] | None = None,
    commune: Commune | None = None,
) -> Resolved:
    """The rows the codes of the payload name; every unknown code (and any problem given) is a 422 on its field.

    commune, when the caller has already read the payload's, saves reading it again."""
    problems = list(problems or [])
    if commune is None or commune.code != payload.commune:
        commune = commune_by_code(payload.commune)
    if commune is None:
        problems.append({"field": "commune", "message": f"Code INSEE inconnu : {payload.commune}."})
    index = suggestions.categories()
    needs = None
    if payload.needs is not None:
        unknown = [code for code in payload.needs if code not in index]
        if unknown:
            problems.append(
                {"field": "needs", "message": f"Code de besoin inconnu : {', '.join(unknown)}. Voir le thésaurus."}
            )
        needs = [index[code][0] for code in payload.needs if code in index]
    found_situations = _terms(Vocabulary.SITUATION, situations)
    unknown = [code for code in situations if code not in found_situations]
    if unknown:
        problems.append({"field": "situations", "message": f"Code de situation inconnu : {', '.join(unknown)}."})
    found_accessibility = _terms(Vocabulary.ACCESSIBILITY, payload.accessibility_needs)
    unknown = [code for code in payload.accessibility_needs if code not in found_accessibility]
    if unknown:
        problems.append(
            {"field": "accessibility_needs", "message": f"Code d'accessibilité inconnu : {', '.join(unknown)}."}
        )
    if problems:
        raise ValidationError(problems)
    assert commune is not None
    return Resolved(
        commune=commune,
        needs=needs,
        categories=index,
        situations=[found_situations[code] for code in situations],
        accessibility=[found_accessibility[code] for code in payload.accessibility_needs],
    )


def _terms(vocabulary: str, codes: Sequence[str]) -> dict[str, Term]:
    if not codes:
        return {}
    return {term.code: term for term in Term.objects.of(vocabulary).filter(code__in=codes)}


def _suggestion_list(result: RoutingResult) -> list[SuggestionOut]:
    ids = [suggestion.candidate.id for suggestion in result.suggestions]
    places = {place.pk: place for place in Place.objects.filter(pk__in=ids).only("pk", "slug", "name")}
    found = []
    for suggestion in result.suggestions:
        candidate = suggestion.candidate
        place = places.get(candidate.id)
        if place is None:
            continue
        found.append(
            SuggestionOut(
                place={
                    "id": candidate.id,
                    "name": candidate.name,
                    "commune": {"code": candidate.commune_code, "name": candidate.commune_name},
                    "url": settings.SITE_URL + place.get_absolute_url(),
                },
                score=round(suggestion.score, 3),
                distance_km=None if suggestion.distance_km is None else round(suggestion.distance_km, 1),
                reasons=list(suggestion.reasons),
                missing=list(suggestion.missing),
            )
        )
    return found


@api.post(
    "/suggestions",
    auth=None,
    throttle=[CacheThrottle(suggestions_limit, client_ip)],
    response={200: SuggestionsOut, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="suggest_places",
    summary="Proposer des lieux pour un besoin",
    description="Reconnaît les besoins dans la description (ou prend ceux indiqués) et propose les lieux ouverts qui "
    "y répondent près de la commune, du plus pertinent au moins pertinent, chacun avec ses raisons. N'enregistre "
    "rien. Public, limité en nombre d'appels par adresse IP.",
    tags=["Aiguillage"],
    openapi_extra={
        "responses": {200: {"description": "Les besoins pris en compte et les lieux proposés."}, **ERROR_RESPONSES}
    },
)
def suggest_places(request: HttpRequest, payload: SuggestionQuery) -> SuggestionsOut:
    resolved = _resolve(payload)
    if resolved.needs is None:
        found = suggestions.qualify(payload.description)
    else:
        found = [(need, ()) for need in resolved.needs]
    result = suggestions.suggest(
        needs=[resolved.categories[need.code][1] for need, _ in found],
        commune=resolved.commune,
        audience=payload.audience,
        quantity=payload.quantity,
        accessibility_needs=payload.accessibility_needs,
        max_distance_km=payload.max_distance_km,
        limit=payload.limit,
    )
    evidence = {need.code: words for need, words in found}
    if not found:
        message = (
            "Aucun besoin reconnu dans la description : reformulez-la avec d'autres mots, ou indiquez les besoins "
            "(champ needs)."
        )
    elif result.unmet and not result.suggestions:
        reach = payload.max_distance_km if payload.max_distance_km is not None else settings.ROUTING_MAX_DISTANCE_KM
        message = f"Aucun lieu ne répond à ce besoin à moins de {format_km(reach)} km."
    else:
        message = result.message
    return SuggestionsOut(
        needs=[NeedOut(code=need.code, label=need.label, evidence=list(evidence)) for need, evidence in found],
        suggestions=_suggestion_list(result),
        uncovered=[
            NeedOut(code=need.code, label=need.label, evidence=list(evidence.get(need.code, ())))
            for need in result.uncovered
        ],
        unmet=result.unmet,
        message=message,
    )


@api.post(
    "/requests",
    auth=OrganisationToken(),
    throttle=[CacheThrottle(requests_limit, token_subject)],
    response={
        201: RequestCreatedOut,
        400: ErrorOut,
        401: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    operation_id="create_request",
    summary="Enregistrer une demande",
    description="Enregistre la demande d'une personne au nom de l'organisation du jeton, comme le formulaire du "
    "site : les besoins sont reconnus (ou pris tels qu'indiqués), la coordination est prévenue et la personne "
    "reçoit un accusé de réception si elle a donné son courriel. Renvoie la référence et le lien privé de suivi, "
    "à remettre à la personne. `max_distance_km` et `limit` sont acceptés pour reprendre le corps d'une "
    "suggestion, mais sans effet : c'est la coordination qui oriente la demande. Avec l'en-tête "
    "`Idempotency-Key` (un UUID par demande), un nouvel envoi de la même demande dans les 24 heures, après une "
    "coupure ou une réponse perdue, renvoie la première réponse (en-tête `Idempotent-Replayed: true`) au lieu "
    "d'enregistrer la demande deux fois.",
    tags=["Demandes"],
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": idempotency.HEADER,
                "required": False,
                "description": "Clé choisie par l'outil partenaire pour cette demande (un UUID convient) : "
                "la renvoyer avec le même corps redonne la première réponse.",
                "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN, "maxLength": 255},
            }
        ],
        "responses": {
            201: {"description": "La demande est enregistrée (ou l'était déjà, avec cette clé)."},
            401: {"description": "Jeton d'API absent, invalide ou révoqué."},
            409: {"description": "La clé `Idempotency-Key` a déjà servi pour une demande différente."},
            **ERROR_RESPONSES,
        },
    },
)
def create_partner_request(request: HttpRequest, payload: RequestSubmission) -> HttpResponse:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    secret: str = request.api_token_secret  # type: ignore[attr-defined]
    try:
        key = idempotency.read_key(request)
    except idempotency.BadKey as error:
        return api.create_response(request, {"detail": str(error), "errors": []}, status=400)
    digest = idempotency.fingerprint(payload)
    if key is not None:
        earlier = idempotency.previous(token, key)
        if earlier is not None:
            return _replay(request, earlier, digest, secret)
    problems = []
    if (payload.contact_name or payload.contact_email or payload.contact_phone) and not payload.consent:
        problems.append({"field": "consent", "message": CONSENT_REQUIRED})
    asked_for = commune_by_code(payload.commune)
    outside = outside_message(asked_for) if asked_for else None
    if outside:
        problems.append({"field": "commune", "message": outside})
    resolved = _resolve(payload, situations=payload.situations, problems=problems, commune=asked_for)
    # Qualification and routing read only: done before the transaction, which holds the inserts alone.
    prepared = prepare_request(
        description=payload.description,
        commune=resolved.commune,
        channel=Channel.API,
        audience=payload.audience,
        situations=resolved.situations,
        quantity=payload.quantity,
        accessibility_needs=resolved.accessibility,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        consent=payload.consent,
        organisation=token.organisation,
        needs=resolved.needs,
    )
    try:
        # The transaction holds the request and its idempotency record together; without a key, the request's
        # own write is atomic.
        with transaction.atomic() if key is not None else nullcontext():
            created = record_request(prepared)
            body = _created_answer(created)
            if key is not None:
                answer = body.model_dump(exclude={"tracking_url"})
                idempotency.remember(token=token, key=key, digest=digest, created=created, secret=secret, answer=answer)
    except idempotency.SentTwice:
        # The other sending won; this one is undone, emails included, and gets the other's answer.
        earlier = idempotency.previous(token, key or "")
        if earlier is None:
            return api.create_response(request, {"detail": idempotency.OTHER_BODY, "errors": []}, status=409)
        return _replay(request, earlier, digest, secret)
    # Built here rather than with ninja's Status, which django-ninja 1.3 does not have.
    return api.create_response(request, body.model_dump(), status=201)


def _created_answer(created: Created) -> RequestCreatedOut:
    links = sorted(created.need_links, key=lambda link: (link.category.position, link.category.pk))
    return RequestCreatedOut(
        reference=created.request.reference,
        status=created.request.status,
        needs=[NeedOut(code=link.category.code, label=link.category.label, evidence=link.evidence) for link in links],
        tracking_url=created.tracking_url,
        unmet=created.request.unmet,
    )


def _replay(request: HttpRequest, earlier: IdempotentSubmission, digest: str, secret: str) -> HttpResponse:
    """The first answer again, or a conflict when the key came with another body."""
    if earlier.fingerprint != digest:
        return api.create_response(request, {"detail": idempotency.OTHER_BODY, "errors": []}, status=409)
    response = api.create_response(request, idempotency.first_answer(earlier, secret), status=201)
    response["Idempotent-Replayed"] = "true"
    return response
