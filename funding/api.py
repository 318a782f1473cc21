"""The funding catalogue in the API, under /api/v1/funding/: the public search with its filters, and one scheme.

Parameters keep the names of the search page (``/financements/``), so that a link and a call mean the same thing;
they are checked by the page's own form, with the same French messages.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from ninja import Path, Query, Router
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel, ConfigDict, Field

from api.read_schemas import MAX_ID
from api.reads import INVALID, NOT_MODIFIED, RATE_LIMITED, conditional_json, read_throttle
from api.schemas import ErrorOut
from funding import catalogue, search
from funding.catalogue import SchemeCard, Snapshot
from funding.models import Scheme
from funding.writing import record_of
from funding_match import SchemeFacts, describe
from funding_match.calendar import PAST

router = Router(tags=["Financements"])
MAX_PAGE_SIZE = 100
UNKNOWN = "Dispositif introuvable : aucun dispositif public n'a l'identifiant {id}."

LIST_DESCRIPTION = (
    "La recherche de financements du site (page « Trouver un financement »), avec les mêmes paramètres : la commune "
    "du projet (code INSEE avec `commune`, ou comme une personne l'écrirait avec `ou`) ou une intercommunalité "
    "(`epci`, SIREN), les publics (`beneficiaire`), thèmes, dépenses, natures et programmes par leurs codes (un "
    "paramètre répété vaut « l'un ou l'autre »), le montant recherché, « ouvert maintenant », « clôture dans les N "
    "jours », les mots. Ordre : le périmètre le plus étroit d'abord, puis la date limite la plus proche. Chaque "
    "résultat dit en une ligne pourquoi il convient (`reason`). Les brouillons ne sont jamais publiés ; les "
    "dispositifs clôturés seulement avec `clos=true`. Public, limité en nombre d'appels par adresse IP ; CORS ouvert."
)


class SchemesQuery(BaseModel):
    """Les filtres de la recherche de financements."""

    model_config = ConfigDict(title="Recherche de financements")

    q: str = Field(default="", max_length=200, description="Mots cherchés dans l'intitulé, le résumé, les financeurs.")
    ou: str = Field(default="", max_length=100, description="Commune du projet, écrite comme une personne l'écrirait.")
    commune: str = Field(default="", max_length=5, description="Code INSEE de la commune du projet.")
    epci: str = Field(default="", max_length=9, description="SIREN de l'intercommunalité du projet (sans commune).")
    beneficiaire: list[str] = Field(default=[], description="Codes des publics (vocabulaire `beneficiary`).")
    theme: list[str] = Field(default=[], description="Codes des thèmes (vocabulaire `theme`).")
    depense: list[str] = Field(default=[], description="Codes des dépenses à financer (vocabulaire `expense`).")
    nature: list[str] = Field(default=[], description="Codes des natures d'aide (vocabulaire `kind`).")
    programme: list[str] = Field(default=[], description="Codes des programmes (vocabulaire `programme`).")
    montant: str = Field(
        default="", max_length=20, description="Montant recherché en euros (« 5000 » ou « 5 000,50 »)."
    )
    ouvert: str = Field(default="", max_length=5, description="`true` : seulement ce qui est ouvert aujourd'hui.")
    cloture: str = Field(default="", max_length=3, description="Clôture dans les N jours : 7, 15, 30, 60 ou 90.")
    clos: str = Field(default="", max_length=5, description="`true` : montrer aussi les dispositifs clôturés.")
    page: str = Field(default="", max_length=5, description="Numéro de la page, à partir de 1.")
    page_size: str = Field(default="", max_length=3, description=f"Résultats par page, 1 à {MAX_PAGE_SIZE} (20).")


class FunderOut(BaseModel):
    """Un financeur."""

    name: str = Field(description="Nom du financeur.")
    level: str = Field(description="Niveau : eu, state, region, departement, epci, commune, public_body…")
    level_label: str = Field(description="Niveau en français.")


class AreaOut(BaseModel):
    """Une zone du périmètre."""

    kind: str = Field(description="eu, france, region, departement, epci ou commune.")
    code: str = Field(description="Code INSEE (région, département, commune) ou SIREN (EPCI) ; vide pour eu et france.")


class SchemeOut(BaseModel):
    """Un dispositif de financement."""

    id: int = Field(description="Identifiant : `/funding/schemes/{id}` en donne la fiche.")
    title: str = Field(description="Intitulé.")
    summary: str = Field(description="Résumé en deux phrases.")
    url: str = Field(description="Fiche publique sur le site.")
    status: str = Field(description="`published` publié ou `closed` clôturé.")
    state: str = Field(description="Aujourd'hui : `open` ouvert, `upcoming` à venir, `past` plus de dépôt possible.")
    when: str = Field(description="Quand candidater, en une phrase.")
    next_deadline: dt.date | None = Field(description="Prochaine date limite (incluse) ; `null` s'il n'y en a pas.")
    reason: str = Field(description="Pourquoi il répond à la recherche, en une ligne.")
    funders: list[FunderOut] = Field(description="Financeurs.")
    perimeter: str = Field(description="Périmètre en français.")
    areas: list[AreaOut] = Field(description="Zones du périmètre, par leurs codes.")
    beneficiaries: list[str] = Field(description="Codes des publics éligibles (vide : non précisé).")
    themes: list[str] = Field(description="Codes des thèmes.")
    expenses: list[str] = Field(description="Codes des dépenses financées.")
    kinds: list[str] = Field(description="Codes des natures d'aide.")
    programmes: list[str] = Field(description="Codes des programmes.")
    amount_floor: Decimal | None = Field(description="Montant minimum en euros, écrit en texte décimal.")
    amount_ceiling: Decimal | None = Field(description="Montant maximum en euros, écrit en texte décimal.")
    rate_min: Decimal | None = Field(description="Taux minimum des dépenses, en pourcentage.")
    rate_max: Decimal | None = Field(description="Taux maximum des dépenses, en pourcentage.")
    recurrence: str = Field(description="`one_off` ponctuel, `ongoing` permanent, `yearly` chaque année.")
    needs_check: bool = Field(description="À vérifier auprès du financeur : rédigé d'après sa page publique.")
    checked_on: dt.date | None = Field(description="Dernière vérification.")
    source_url: str = Field(description="Page publique du financeur.")


class SchemesOut(BaseModel):
    """Une page de dispositifs."""

    count: int = Field(description="Nombre total de dispositifs trouvés.")
    page: int = Field(description="Numéro de cette page.")
    pages: int = Field(description="Nombre de pages.")
    next: str | None = Field(description="Adresse de la page suivante, ou `null`.")
    previous: str | None = Field(description="Adresse de la page précédente, ou `null`.")
    results: list[SchemeOut] = Field(description="Les dispositifs de la page, dans l'ordre de la recherche.")


class SchemeDetailOut(SchemeOut):
    """La fiche complète d'un dispositif."""

    description: str = Field(description="Présentation.")
    eligibility: str = Field(description="Conditions.")
    how_to_apply: str = Field(description="Comment candidater.")
    application_url: str = Field(description="Adresse du dépôt.")
    contact: str = Field(description="Contact.")
    amount_note: str = Field(description="Précisions sur le montant.")
    opens_on: dt.date | None = Field(description="Ouverture.")
    closes_on: dt.date | None = Field(description="Clôture ou fin du programme.")
    window_start: str = Field(description="Début de la période habituelle d'un dispositif annuel (MM-JJ).")
    window_end: str = Field(description="Fin de la période habituelle d'un dispositif annuel (MM-JJ).")
    parent_id: int | None = Field(description="Dispositif national que celui-ci décline localement.")
    source: str = Field(description="Provenance des données (`aiguillage`, `aides-territoires`…).")
    source_id: str = Field(description="Identifiant stable à la source.")


def _out(facts: SchemeFacts, card: SchemeCard, snapshot: Snapshot, reason: str) -> dict[str, Any]:
    current = snapshot.catalogue.states.get(facts.id, PAST)
    return {
        "id": facts.id,
        "title": card.title,
        "summary": card.summary,
        "url": settings.SITE_URL + card.url,
        "status": facts.status,
        "state": current,
        "when": describe(facts.schedule, snapshot.today) if facts.status == "published" else "Clôturé.",
        "next_deadline": snapshot.catalogue.deadlines.get(facts.id),
        "reason": reason,
        "funders": [{"name": name, "level": level, "level_label": label} for name, level, label in card.funders],
        "perimeter": card.perimeter,
        "areas": [{"kind": area.kind, "code": area.code} for area in sorted(facts.areas)],
        "beneficiaries": sorted(facts.beneficiaries),
        "themes": sorted(facts.themes),
        "expenses": sorted(facts.expenses),
        "kinds": sorted(facts.kinds),
        "programmes": sorted(facts.programmes),
        "amount_floor": facts.amount_floor,
        "amount_ceiling": facts.amount_ceiling,
        "rate_min": facts.rate_min,
        "rate_max": facts.rate_max,
        "recurrence": facts.schedule.recurrence,
        "needs_check": card.needs_check,
        "checked_on": card.checked_on,
        "source_url": card.source_url,
    }


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(params.lists()), doseq=True)}"


@router.get(
    "/funding/schemes",
    url_name="funding_schemes",
    auth=None,
    throttle=read_throttle(),
    response={200: SchemesOut, 304: None, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="list_funding_schemes",
    summary="Chercher des financements",
    description=LIST_DESCRIPTION,
    openapi_extra={
        "responses": {
            200: {"description": "Une page de dispositifs."},
            404: {"description": "La page demandée est au-delà de la dernière."},
            **NOT_MODIFIED,
            **INVALID,
            **RATE_LIMITED,
        }
    },
)
def list_schemes(request: HttpRequest, filters: Query[SchemesQuery]) -> HttpResponse:
    params = QueryDict(mutable=True)
    for name, value in request.GET.lists():
        if name != "page_size":
            params.setlist(name, value)
    for flag in ("ouvert", "clos"):
        if params.get(flag, "").lower() in ("false", "0"):
            params.pop(flag)
    snapshot = catalogue.current()
    form = search.bound_form(params, snapshot)
    problems: list[dict[str, str]] = []
    page_size = 20
    if filters.page_size:
        if not filters.page_size.isdigit() or not 1 <= int(filters.page_size) <= MAX_PAGE_SIZE:
            problems.append({"field": "page_size", "message": f"Un nombre de 1 à {MAX_PAGE_SIZE}."})
        else:
            page_size = int(filters.page_size)
    if not form.is_valid():
        problems += [
            {"field": name if name != "__all__" else "query", "message": str(message)}
            for name, messages in form.errors.items()
            for message in messages
        ]
    if problems:
        raise ValidationError(problems)
    outcome = search.run(form, snapshot, page_size=page_size)
    if outcome.commune_unknown:
        raise ValidationError(
            [{"field": "ou" if form.cleaned_data["ou"] else "commune", "message": "Commune inconnue."}]
        )
    asked = form.cleaned_data.get("page") or 1
    if asked > outcome.page_count:
        raise HttpError(404, f"Cette page n'existe pas : la recherche donne {outcome.page_count} page(s).")
    body = {
        "count": outcome.total,
        "page": outcome.page,
        "pages": outcome.page_count,
        "next": _page_url(request, outcome.page + 1) if outcome.page < outcome.page_count else None,
        "previous": _page_url(request, outcome.page - 1) if outcome.page > 1 else None,
        "results": [_out(found.scheme, card, snapshot, found.reason) for found, card in outcome.results],
    }
    return conditional_json(request, SchemesOut.model_validate(body).model_dump(mode="json"), last_modified=None)


@router.get(
    "/funding/schemes/{scheme_id}",
    url_name="funding_scheme",
    auth=None,
    throttle=read_throttle(),
    response={200: SchemeDetailOut, 304: None, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="get_funding_scheme",
    summary="Lire la fiche d'un dispositif de financement",
    description="La fiche complète d'un dispositif publié ou clôturé (un brouillon n'existe pas pour l'API), avec "
    "ses codes (publics, thèmes, dépenses, natures, programmes, zones du périmètre) et ses dates.",
    openapi_extra={
        "responses": {
            200: {"description": "La fiche du dispositif."},
            404: {"description": "Aucun dispositif public n'a cet identifiant."},
            **NOT_MODIFIED,
            **INVALID,
            **RATE_LIMITED,
        }
    },
)
def get_scheme(
    request: HttpRequest,
    scheme_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant du dispositif.")],
) -> HttpResponse:
    snapshot = catalogue.current()
    facts = snapshot.catalogue.schemes.get(scheme_id)
    if facts is None:
        raise HttpError(404, UNKNOWN.format(id=scheme_id))
    scheme = Scheme.objects.prefetch_related(*catalogue.PREFETCH).select_related("parent").get(pk=scheme_id)
    record = record_of(scheme)
    body = {
        **_out(facts, snapshot.cards[scheme_id], snapshot, ""),
        "description": record.description,
        "eligibility": record.eligibility,
        "how_to_apply": record.how_to_apply,
        "application_url": record.application_url,
        "contact": record.contact,
        "amount_note": record.amount_note,
        "opens_on": record.opens_on,
        "closes_on": record.closes_on,
        "window_start": ""
        if record.window_start is None
        else f"{record.window_start.month:02d}-{record.window_start.day:02d}",
        "window_end": "" if record.window_end is None else f"{record.window_end.month:02d}-{record.window_end.day:02d}",
        "parent_id": scheme.parent_id if scheme.parent and scheme.parent.is_public else None,
        "source": scheme.source,
        "source_id": scheme.source_id,
    }
    return conditional_json(
        request, SchemeDetailOut.model_validate(body).model_dump(mode="json"), last_modified=scheme.updated_at
    )
