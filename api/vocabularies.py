"""The controlled vocabularies: the codes that the parameters, the files and the fiches of places use."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router
from ninja.errors import HttpError

from api.read_schemas import VocabulariesOut, VocabularyOut, VocabularyTermOut
from api.reads import RATE_LIMITED, read_throttle
from api.schemas import ErrorOut
from directory.models import Term, Vocabulary

router = Router(tags=["Vocabulaires"])


def _vocabularies(names: list[str]) -> list[VocabularyOut]:
    terms: dict[str, list[VocabularyTermOut]] = {name: [] for name in names}
    for term in Term.objects.filter(vocabulary__in=names).order_by("vocabulary", "position", "label", "code"):
        terms[term.vocabulary].append(
            VocabularyTermOut(code=term.code, label=term.label, national_value=term.national_value)
        )
    return [VocabularyOut(name=name, label=Vocabulary(name).label, terms=terms[name]) for name in names]


@router.get(
    "/vocabularies",
    url_name="vocabularies",
    auth=None,
    throttle=read_throttle(),
    response={200: VocabulariesOut, 429: ErrorOut},
    operation_id="list_vocabularies",
    summary="Lister les vocabulaires",
    description="Tous les vocabulaires de l'annuaire (types de lieu, services, équipements, publics, "
    "accessibilité, frais, labels, modalités, situations) avec leurs termes : le code à employer dans les "
    "paramètres et les fichiers, le libellé à montrer, et la valeur du Schéma national des lieux de médiation "
    "numérique quand elle existe. La coordination peut ajouter des termes : ne figez pas ces listes.",
    openapi_extra={"responses": {200: {"description": "Les vocabulaires et leurs termes."}, **RATE_LIMITED}},
)
def list_vocabularies(request: HttpRequest) -> VocabulariesOut:
    return VocabulariesOut(results=_vocabularies(list(Vocabulary.values)))


@router.get(
    "/vocabularies/{name}",
    url_name="vocabulary",
    auth=None,
    throttle=read_throttle(),
    response={200: VocabularyOut, 404: ErrorOut, 429: ErrorOut},
    operation_id="get_vocabulary",
    summary="Lire un vocabulaire",
    description="Un vocabulaire et ses termes, par son nom (par exemple `equipment`).",
    openapi_extra={
        "responses": {
            200: {"description": "Le vocabulaire et ses termes."},
            404: {"description": "Aucun vocabulaire ne porte ce nom."},
            **RATE_LIMITED,
        }
    },
)
def get_vocabulary(
    request: HttpRequest,
    name: Annotated[str, Path(description="Nom du vocabulaire, par exemple `equipment`.")],
) -> VocabularyOut:
    if name not in Vocabulary.values:
        raise HttpError(404, f"Vocabulaire inconnu : « {name[:50]} ». Vocabulaires : {', '.join(Vocabulary.values)}.")
    return _vocabularies([name])[0]
