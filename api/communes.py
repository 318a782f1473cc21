"""Communes: the forgiving look-up of the search page, for partners' own forms."""

from django.http import HttpRequest
from ninja import Query, Router

from api.read_schemas import CommuneFoundOut, CommunesOut, CommunesQuery, DepartementOut, EpciOut, PointOut
from api.reads import INVALID, RATE_LIMITED, read_throttle
from api.schemas import ErrorOut
from territory.lookup import find_communes
from territory.models import Commune

router = Router(tags=["Territoire"])
DEFAULT_LIMIT = 10


def commune_out(commune: Commune) -> CommuneFoundOut:
    return CommuneFoundOut(
        code=commune.code,
        name=commune.name,
        postcodes=commune.postcode_list,
        departement=DepartementOut(code=commune.departement.code, name=commune.departement.name),
        epci=None if commune.epci is None else EpciOut(siren=commune.epci.siren, name=commune.epci.name),
        population=commune.population,
        point=PointOut(latitude=commune.latitude, longitude=commune.longitude),
    )


@router.get(
    "/communes",
    url_name="communes",
    auth=None,
    throttle=read_throttle(),
    response={200: CommunesOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="find_communes",
    summary="Trouver une commune",
    description="Trouve les communes de France qui répondent à ce qu'une personne a écrit : un nom, même sans "
    "accents ni tirets, avec « St » pour « Saint » ; un code postal ; un code INSEE. Les noms exacts viennent "
    "d'abord, puis les communes du territoire servi, puis les plus peuplées. Le code INSEE renvoyé est celui à "
    "donner au paramètre `commune` de `/places` et aux demandes. Public, limité en nombre d'appels par adresse "
    "IP ; CORS ouvert à toute origine.",
    openapi_extra={
        "responses": {200: {"description": "Les communes trouvées (liste vide si aucune)."}, **INVALID, **RATE_LIMITED}
    },
)
def list_communes(request: HttpRequest, query: Query[CommunesQuery]) -> CommunesOut:
    found = find_communes(query.q, limit=query.limit or DEFAULT_LIMIT)
    return CommunesOut(results=[commune_out(commune) for commune in found])
