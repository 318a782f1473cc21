"""Places of the directory: the public search, and one place in the project's own file format."""

from typing import Annotated, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router
from ninja.errors import HttpError, ValidationError

from api.read_schemas import DEFAULT_PAGE_SIZE, MAX_ID, PlaceDetailOut, PlacesOut, PlacesQuery
from api.reads import (
    CONDITIONAL_NOTE,
    CONDITIONAL_PARAMETERS,
    INVALID,
    NOT_MODIFIED,
    RATE_LIMITED,
    VALIDATORS,
    conditional_json,
    read_throttle,
)
from api.schemas import ErrorOut
from directory.forms import FILTER_FIELDS
from directory.importers.exporter import load_place_data
from directory.importers.licences import CREDITS, LICENCES
from directory.importers.native import place_to_dict
from directory.models import Place, PlaceStatus, Term, Vocabulary
from directory.search import Hit, SearchQuery, SearchResult, search
from territory.lookup import resolve_commune
from territory.models import Commune

router = Router(tags=["Annuaire"])

LIST_DESCRIPTION = (
    "La recherche de lieux du site (page « Rechercher un lieu »), avec les mêmes paramètres : le besoin en "
    "mots simples, la commune (par son code INSEE avec `commune`, ou comme une personne l'écrirait avec `ou`), "
    "le rayon, les filtres par code (voir `/vocabularies`) et les lieux ouverts maintenant. Les lieux fermés "
    "définitivement ne sont jamais proposés. Public, limité en nombre d'appels par adresse IP ; CORS ouvert "
    "à toute origine."
    + CONDITIONAL_NOTE
    + " `Last-Modified` est la date du dernier changement d'un lieu de l'annuaire : un lieu qui sort des "
    "résultats (fermé, modifié) la fait avancer aussi."
)
DETAIL_DESCRIPTION = (
    "La fiche complète d'un lieu, dans le format de fichier de l'aiguillage (les mêmes clés que l'export JSON « "
    "format aiguillage », codes seulement : les libellés sont dans `/vocabularies`), avec l'adresse de sa fiche "
    "publique, sa licence et la mention due. Un lieu fermé définitivement reste consultable, avec son état."
    + CONDITIONAL_NOTE
)
UNKNOWN_PLACE = "Lieu introuvable : aucun lieu n'a l'identifiant {id}."


def licence_of(licence: str) -> dict[str, str]:
    known = LICENCES.get(licence)
    if known is None:
        return {"code": licence, "name": licence, "url": ""}
    return {"code": known.code, "name": known.name, "url": known.url}


def credit_of(source: str) -> str | None:
    credit = CREDITS.get(source)
    return credit.credit if credit else None


def _commune(filters: PlacesQuery, problems: list[dict[str, str]]) -> Commune | None:
    if filters.commune and filters.ou:
        problems.append({"field": "ou", "message": "Donnez la commune par « commune » ou par « ou », pas les deux."})
        return None
    if filters.commune:
        by_code: Commune | None = Commune.objects.filter(code=filters.commune).first()
        if by_code is None:
            problems.append({"field": "commune", "message": f"Code INSEE inconnu : {filters.commune}."})
        return by_code
    if filters.ou:
        commune, _ = resolve_commune(filters.ou)
        if commune is None:
            problems.append(
                {
                    "field": "ou",
                    "message": f"Aucune commune ne correspond à « {filters.ou} » : vérifiez l'orthographe, ou "
                    "donnez son code INSEE (paramètre commune ; /communes?q= le trouve).",
                }
            )
        return commune
    return None


def _vocabulary_filters(filters: PlacesQuery, problems: list[dict[str, str]]) -> dict[str, str]:
    """The filters by term code, as the search page has them; an unknown code is an error, not an empty page."""
    given: dict[str, str] = {name: getattr(filters, name) for name in FILTER_FIELDS}
    wanted = {str(FILTER_FIELDS[name]): code for name, code in given.items() if code}
    if not wanted:
        return {}
    known = set(
        Term.objects.filter(vocabulary__in=list(wanted), code__in=list(wanted.values())).values_list(
            "vocabulary", "code"
        )
    )
    for name, code in given.items():
        vocabulary = str(FILTER_FIELDS[name])
        if code and (vocabulary, code) not in known:
            problems.append(
                {
                    "field": name,
                    "message": f"Code inconnu dans le vocabulaire « {Vocabulary(vocabulary).label} » : {code}. "
                    f"Les codes sont listés par /vocabularies/{vocabulary}.",
                }
            )
    return wanted


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(params.lists()), doseq=True)}"


def _terms(terms: Any) -> list[dict[str, str]]:
    return [{"code": term.code, "label": term.label} for term in terms]


def _summary(hit: Hit) -> dict[str, Any]:
    place = hit.place
    return {
        "id": place.pk,
        "name": place.name,
        "commune": {"code": place.commune.code, "name": place.commune.name},
        "point": {"latitude": round(place.latitude, 6), "longitude": round(place.longitude, 6)},
        "distance_km": None if hit.distance_km is None else round(hit.distance_km, 1),
        "typologies": _terms(place.typologies.all()),
        "services": _terms(place.services.all()),
        "equipment": [
            {"code": item.kind.code, "label": item.kind.label, "quantity": item.quantity, "verified": item.verified}
            for item in place.equipment.all()
        ],
        "audiences": _terms(place.audiences.all()),
        "accessibility": _terms(place.accessibility.all()),
        "status": {"code": place.status, "label": PlaceStatus(place.status).label},
        "url": settings.SITE_URL + place.get_absolute_url(),
        "date_maj": place.date_maj,
        "verified": place.verified,
        "source": place.source,
        "licence": licence_of(place.licence),
        "credit": credit_of(place.source),
    }


def _page(request: HttpRequest, result: SearchResult, query: SearchQuery, page_size: int) -> dict[str, Any]:
    commune = query.commune
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.page_count,
        "page_size": page_size,
        "next": _page_url(request, result.page + 1) if result.page < result.page_count else None,
        "previous": _page_url(request, result.page - 1) if result.page > 1 else None,
        "commune": None if commune is None else {"code": commune.code, "name": commune.name},
        "radius_km": None if commune is None else query.radius_km or settings.SEARCH_DEFAULT_RADIUS_KM,
        "matched_terms": [
            {"vocabulary": term.vocabulary, "code": term.code, "label": term.label} for term in result.matched_terms
        ],
        "unmatched_words": result.unmatched_words,
        "nearest_beyond_km": None if result.nearest_beyond_km is None else round(result.nearest_beyond_km, 1),
        "results": [_summary(hit) for hit in result.hits],
    }


@router.get(
    "/places",
    url_name="places",
    auth=None,
    throttle=read_throttle(),
    response={200: PlacesOut, 304: None, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="list_places",
    summary="Chercher des lieux",
    description=LIST_DESCRIPTION,
    openapi_extra={
        "parameters": CONDITIONAL_PARAMETERS,
        "responses": {
            200: {"description": "Une page de lieux.", "headers": VALIDATORS},
            404: {"description": "La page demandée est au-delà de la dernière."},
            **NOT_MODIFIED,
            **INVALID,
            **RATE_LIMITED,
        },
    },
)
def list_places(request: HttpRequest, filters: Query[PlacesQuery]) -> HttpResponse:
    problems: list[dict[str, str]] = []
    commune = _commune(filters, problems)
    vocabulary_filters = _vocabulary_filters(filters, problems)
    if problems:
        raise ValidationError(problems)
    page_size = filters.page_size or DEFAULT_PAGE_SIZE
    query = SearchQuery(
        need=filters.q,
        commune=commune,
        radius_km=filters.rayon,
        filters=vocabulary_filters,
        open_now=filters.ouvert,
        page=filters.page or 1,
    )
    result = search(query, page_size=page_size)
    if (filters.page or 1) > result.page_count:
        raise HttpError(404, f"Cette page n'existe pas : la recherche donne {result.page_count} page(s).")
    body = PlacesOut.model_validate(_page(request, result, query, page_size)).model_dump(mode="json")
    # The whole directory's last change, not only the matched places': a place that leaves the results
    # (closed, or no longer matching) must move the date too.
    last_modified = Place.objects.aggregate(last=Max("updated_at"))["last"]
    return conditional_json(request, body, last_modified=last_modified)


@router.get(
    "/places/{place_id}",
    url_name="place",
    auth=None,
    throttle=read_throttle(),
    response={200: PlaceDetailOut, 304: None, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="get_place",
    summary="Lire la fiche d'un lieu",
    description=DETAIL_DESCRIPTION,
    openapi_extra={
        "parameters": CONDITIONAL_PARAMETERS,
        "responses": {
            200: {"description": "La fiche du lieu.", "headers": VALIDATORS},
            404: {"description": "Aucun lieu n'a cet identifiant."},
            **NOT_MODIFIED,
            **INVALID,
            **RATE_LIMITED,
        },
    },
)
def get_place(
    request: HttpRequest,
    place_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant du lieu.")],
) -> HttpResponse:
    place = Place.objects.filter(pk=place_id).only("pk", "slug", "source", "licence", "updated_at").first()
    if place is None:
        raise HttpError(404, UNKNOWN_PLACE.format(id=place_id))
    data = load_place_data(Place.objects.filter(pk=place.pk)).get(place.pk)
    if data is None:
        # Deleted in between.
        raise HttpError(404, UNKNOWN_PLACE.format(id=place_id))
    document = {
        "id": place.pk,
        "url": settings.SITE_URL + place.get_absolute_url(),
        **place_to_dict(data),
        "licence": licence_of(place.licence),
        "credit": credit_of(place.source),
    }
    body = PlaceDetailOut.model_validate(document).model_dump(mode="json")
    return conditional_json(request, body, last_modified=place.updated_at)
