"""What the read endpoints take and give back (places, communes, vocabularies), described in French.

Query parameters keep the names of the public search page, so that a link to the page and a call to the API
mean the same thing.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from api.schemas import FORBIDDEN_CHARACTERS, CommuneOut

# The search page's page size, and the most a client may ask for in one call.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_COMMUNES = 20
# Place ids are 64-bit: anything larger cannot name a place, and databases refuse to compare with it.
MAX_ID = 2**63 - 1
# An INSEE code, or nothing (an empty field of a form).
OPTIONAL_INSEE_PATTERN = r"^(?:(?:[0-9]{2}|2[AB])[0-9]{3})?$"

StatusCode = Literal["open", "temporarily_closed", "closed"]


def _plain_text(value: str) -> str:
    if FORBIDDEN_CHARACTERS.search(value):
        raise PydanticCustomError("forbidden_characters", "Le texte contient des caractères non autorisés.")
    return value.strip()


def _blank_is_none(value: object) -> object:
    # An empty field of an HTML form arrives as "": it means "not given", as on the search page.
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _blank_is_false(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return False
    return value


def _commune_query(value: str) -> str:
    value = _plain_text(value)
    if not value:
        raise PydanticCustomError("string_too_short", "Indiquez un nom de commune, un code postal ou un code INSEE.")
    return value


Text = Annotated[str, AfterValidator(_plain_text)]


BLANK_IS_NONE = BeforeValidator(_blank_is_none)


def _integer(minimum: int, maximum: int) -> WithJsonSchema:
    # A query string has no null: document the parameter as the integer it is when given.
    return WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum})


# Integer parameters that may be absent or blank.
Radius = Annotated[Annotated[int, Field(ge=1, le=100)] | None, BLANK_IS_NONE, _integer(1, 100)]
PageNumber = Annotated[Annotated[int, Field(ge=1, le=10_000)] | None, BLANK_IS_NONE, _integer(1, 10_000)]
PageSize = Annotated[Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] | None, BLANK_IS_NONE, _integer(1, MAX_PAGE_SIZE)]
CommuneLimit = Annotated[Annotated[int, Field(ge=1, le=MAX_COMMUNES)] | None, BLANK_IS_NONE, _integer(1, MAX_COMMUNES)]


def _term_code(description: str) -> Any:
    return Field(default="", max_length=50, description=description)


class PlacesQuery(BaseModel):
    """Les filtres de la recherche de lieux."""

    model_config = ConfigDict(title="Recherche de lieux")

    q: Text = Field(
        default="",
        max_length=200,
        description="Le besoin, en mots simples (200 caractères au plus) : « imprimante 3D », « broder des "
        "t-shirts », « démarches en ligne ». Les mots qui désignent un équipement, un service ou un type de lieu "
        "cherchent les lieux qui l'ont ; les autres cherchent dans le nom et la présentation des lieux.",
        examples=["imprimante 3D"],
    )
    ou: Text = Field(
        default="",
        max_length=100,
        description="La commune, écrite comme une personne l'écrirait (nom avec ou sans accents, « St » pour "
        "« Saint », code postal, code INSEE) : la commune la plus probable est retenue et renvoyée dans la réponse "
        "(`commune`). Préférez `commune` quand vous connaissez le code INSEE. Ne donnez pas les deux.",
        examples=["Chateau Chinon"],
    )
    commune: str = Field(
        default="",
        pattern=OPTIONAL_INSEE_PATTERN,
        description="Code INSEE de la commune d'où chercher (pas le code postal). Les lieux sont alors triés du "
        "plus proche au plus loin, dans le rayon `rayon`, avec leur distance.",
        examples=["58062"],
    )
    rayon: Radius = Field(
        default=None,
        description="Distance maximale par la route depuis la commune, en kilomètres (1 à 100 ; 50 par défaut, "
        "comme sur le site). Sans effet sans commune.",
        examples=[30],
    )
    type: Text = _term_code("Code d'un type de lieu (vocabulaire `typology`), par exemple `FABLAB`.")
    service: Text = _term_code("Code d'un service (vocabulaire `service`), par exemple `training`.")
    equipement: Text = _term_code("Code d'un équipement (vocabulaire `equipment`), par exemple `3d_printer`.")
    public: Text = _term_code("Code d'un public accueilli (vocabulaire `audience`), par exemple `professional`.")
    accessibilite: Text = _term_code(
        "Code d'accessibilité (vocabulaire `accessibility`), par exemple `wheelchair_access`."
    )
    ouvert: Annotated[bool, BeforeValidator(_blank_is_false)] = Field(
        default=False,
        description="`true` : seulement les lieux ouverts en ce moment, d'après leurs horaires.",
    )
    page: PageNumber = Field(default=None, description="Numéro de la page, à partir de 1 (1 par défaut).")
    page_size: PageSize = Field(
        default=None,
        description=f"Nombre de lieux par page, de 1 à {MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE} par défaut).",
    )


class CommunesQuery(BaseModel):
    """La recherche d'une commune."""

    model_config = ConfigDict(title="Recherche de communes")

    q: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_commune_query)] = Field(
        description="Nom (accents, majuscules, tirets et « St » pour « Saint » indifférents), code postal ou "
        "code INSEE, 100 caractères au plus. Un département entre parenthèses restreint la recherche : "
        "« Clamecy (58) ».",
        examples=["chateau chinon"],
    )
    limit: CommuneLimit = Field(
        default=None,
        description=f"Nombre maximal de communes renvoyées, de 1 à {MAX_COMMUNES} (10 par défaut).",
    )


class TermOut(BaseModel):
    """Un terme d'un vocabulaire, tel que le lieu l'a."""

    code: str = Field(description="Code stable du terme (voir `/vocabularies`).")
    label: str = Field(description="Libellé en français.")


class EquipmentOut(BaseModel):
    """Une machine du lieu."""

    code: str = Field(description="Code du type de machine (vocabulaire `equipment`).")
    label: str = Field(description="Libellé en français.")
    quantity: int = Field(description="Nombre de machines de ce type.")
    verified: bool = Field(description="Confirmé par le lieu ; sinon, à confirmer avant de se déplacer.")


class PointOut(BaseModel):
    """Un point sur la carte (WGS 84)."""

    latitude: float = Field(description="Latitude en degrés décimaux.")
    longitude: float = Field(description="Longitude en degrés décimaux.")


class StatusOut(BaseModel):
    """L'état d'un lieu."""

    code: StatusCode = Field(
        description="`open` ouvert, `temporarily_closed` fermé temporairement, `closed` fermé définitivement."
    )
    label: str = Field(description="L'état en français.")


class LicenceOut(BaseModel):
    """La licence sous laquelle une donnée est publiée."""

    code: str = Field(description="Code de la licence : `etalab-2.0` (Licence Ouverte 2.0) ou `odbl-1.0` (ODbL).")
    name: str = Field(description="Nom de la licence.")
    url: str = Field(description="Texte de la licence.")


class PlaceSummaryOut(BaseModel):
    """Un lieu trouvé par la recherche."""

    id: int = Field(description="Identifiant du lieu : `/places/{id}` en donne la fiche complète.")
    name: str = Field(description="Nom du lieu.")
    commune: CommuneOut = Field(description="Commune du lieu.")
    point: PointOut = Field(description="Position du lieu.")
    distance_km: float | None = Field(
        description="Distance estimée par la route depuis la commune demandée, en kilomètres (pour une unité "
        "itinérante, depuis son étape la plus proche) ; `null` sans commune."
    )
    typologies: list[TermOut] = Field(description="Types de lieu.")
    services: list[TermOut] = Field(description="Services proposés.")
    equipment: list[EquipmentOut] = Field(description="Machines et équipements.")
    audiences: list[TermOut] = Field(description="Publics accueillis.")
    accessibility: list[TermOut] = Field(description="Accessibilité et prise en charge spécifique.")
    status: StatusOut = Field(description="État du lieu (les lieux fermés définitivement ne sont pas cherchés).")
    url: str = Field(description="Adresse de la fiche publique du lieu.")
    date_maj: dt.date | None = Field(description="Date de la dernière mise à jour de la fiche.")
    verified: bool = Field(description="La fiche a été vérifiée par le lieu ou la coordination.")
    source: str = Field(description="Source de la donnée, par exemple `mednum-bfc` ou `aiguillage`.")
    licence: LicenceOut = Field(description="Licence de la donnée de ce lieu.")
    credit: str | None = Field(
        description="Mention à faire quand vous réutilisez la donnée (« MedNum BFC » pour sa cartographie, sous "
        "ODbL) ; `null` quand aucune n'est due."
    )


class MatchedTermOut(BaseModel):
    """Un terme reconnu dans le besoin."""

    vocabulary: str = Field(description="Vocabulaire du terme : `equipment`, `service` ou `typology`.")
    code: str = Field(description="Code du terme.")
    label: str = Field(description="Libellé en français.")


class PlacesOut(BaseModel):
    """Une page de résultats de la recherche de lieux."""

    count: int = Field(description="Nombre total de lieux trouvés.")
    page: int = Field(description="Numéro de cette page.")
    pages: int = Field(description="Nombre de pages (au moins 1).")
    page_size: int = Field(description="Nombre de lieux par page.")
    next: str | None = Field(description="Adresse de la page suivante ; `null` sur la dernière.")
    previous: str | None = Field(description="Adresse de la page précédente ; `null` sur la première.")
    commune: CommuneOut | None = Field(
        description="La commune d'où les distances sont mesurées (celle retenue pour `ou`) ; `null` sans commune."
    )
    radius_km: int | None = Field(description="Le rayon de recherche en kilomètres ; `null` sans commune.")
    matched_terms: list[MatchedTermOut] = Field(description="Les équipements, services et types reconnus dans `q`.")
    unmatched_words: list[str] = Field(
        description="Les mots de `q` qu'aucun terme n'explique : ils sont cherchés dans le nom des lieux."
    )
    nearest_beyond_km: float | None = Field(
        description="Quand rien n'est trouvé dans le rayon : distance du lieu le plus proche qui répond, au-delà "
        "(jusqu'à 400 km) ; `null` sinon."
    )
    results: list[PlaceSummaryOut] = Field(
        description="Les lieux de cette page, du plus proche au plus loin avec une commune, par nom sinon."
    )


# The detail of a place is the project's own file format (docs/format-lieux.md), plus its address and licence.


class OperatorOut(BaseModel):
    """La structure porteuse du lieu."""

    name: str = Field(description="Nom de la structure.")
    siret: str = Field(description="SIRET (14 chiffres), ou vide.")
    rna: str = Field(description="Numéro RNA d'une association, ou vide.")
    website: str = Field(description="Site web, ou vide.")


class AddressOut(BaseModel):
    """L'adresse du lieu."""

    street: str = Field(description="Numéro et voie.")
    complement: str = Field(description="Complément d'adresse.")
    postcode: str = Field(description="Code postal.")
    commune: str = Field(description="Code INSEE de la commune (voir `/communes?q=`).")


class PlacePointOut(BaseModel):
    """La position du lieu et son origine."""

    latitude: float | None = Field(description="Latitude en degrés décimaux.")
    longitude: float | None = Field(description="Longitude en degrés décimaux.")
    source: Literal["source", "commune", "manual"] = Field(
        description="Origine du point : `source` fourni par la source, `commune` centre de la commune, "
        "`manual` placé à la main."
    )
    to_check: bool = Field(description="Le point fourni était loin de sa commune : il reste à vérifier.")


class ContactOut(BaseModel):
    """Comment joindre le lieu."""

    phone: str = Field(description="Téléphone.")
    email: str = Field(description="Courriel.")
    website: str = Field(description="Site web.")
    booking_url: str = Field(description="Adresse de prise de rendez-vous.")


class PlaceStatusOut(BaseModel):
    """L'état du lieu, depuis quand et pourquoi."""

    code: StatusCode = Field(
        description="`open` ouvert, `temporarily_closed` fermé temporairement, `closed` fermé définitivement."
    )
    date: dt.date | None = Field(description="Depuis quand.")
    note: str = Field(description="Précisions sur l'état.")


class StopOut(BaseModel):
    """Une étape d'une unité itinérante."""

    commune: str = Field(description="Code INSEE de la commune de l'étape.")
    location: str = Field(description="Lieu de l'étape dans la commune.")
    schedule: str = Field(description="Passages, au format `opening_hours` d'OpenStreetMap.")
    notes: str = Field(description="Précisions.")
    position: int = Field(description="Ordre de l'étape dans la tournée.")


class EquipmentItemOut(BaseModel):
    """Une machine du lieu, par son code."""

    kind: str = Field(description="Code du type de machine (vocabulaire `equipment`).")
    quantity: int = Field(description="Nombre de machines.")
    notes: str = Field(description="Précisions.")
    verified: bool = Field(description="Confirmé par le lieu.")


class ProvenanceOut(BaseModel):
    """D'où vient la fiche."""

    source: str = Field(description="Source de la donnée.")
    source_id: str = Field(description="Identifiant du lieu à sa source.")
    licence: str = Field(description="Code de la licence de la donnée.")


class FreshnessOut(BaseModel):
    """La fraîcheur de la fiche."""

    date_maj: dt.date | None = Field(description="Date de la dernière mise à jour.")
    verified: bool = Field(description="La fiche a été vérifiée.")
    verified_by: str = Field(description="Qui l'a vérifiée.")


class ReviewOut(BaseModel):
    """La relecture d'une fiche importée."""

    needs_review: bool = Field(description="La fiche doit être relue par la coordination.")
    note: str = Field(description="Ce qu'il faut relire.")


class PlaceDetailOut(BaseModel):
    """La fiche complète d'un lieu, dans le format de fichier de l'aiguillage (codes seulement)."""

    id: int = Field(description="Identifiant du lieu.")
    url: str = Field(description="Adresse de la fiche publique du lieu.")
    name: str = Field(description="Nom du lieu.")
    operator: OperatorOut | None = Field(description="Structure porteuse ; `null` si elle n'est pas connue.")
    typologies: list[str] = Field(description="Codes des types de lieu (vocabulaire `typology`).")
    summary: str = Field(description="Présentation courte.")
    description: str = Field(description="Présentation détaillée.")
    address: AddressOut = Field(description="Adresse.")
    point: PlacePointOut = Field(description="Position.")
    access_directions: str = Field(description="Comment venir.")
    contact: ContactOut = Field(description="Coordonnées.")
    opening_hours: str = Field(description="Horaires au format `opening_hours` d'OpenStreetMap.")
    opening_hours_note: str = Field(description="Précisions sur les horaires.")
    status: PlaceStatusOut = Field(description="État ; un lieu fermé définitivement reste consultable ici.")
    is_itinerant: bool = Field(description="Unité itinérante (voir `stops`).")
    is_remote: bool = Field(description="Service à distance.")
    stops: list[StopOut] = Field(description="Étapes de l'unité itinérante.")
    audiences: list[str] = Field(description="Codes des publics accueillis (vocabulaire `audience`).")
    publics: list[str] = Field(description="Codes des publics spécifiquement adressés (vocabulaire `public`).")
    accessibility: list[str] = Field(
        description="Codes d'accessibilité que la fiche dit « oui » (vocabulaire `accessibility`)."
    )
    accessibility_no: list[str] = Field(
        description="Codes d'accessibilité que la fiche dit « non ». Un code absent des deux listes n'est pas "
        "renseigné : ce n'est pas un « non »."
    )
    acceslibre_url: str = Field(description="Fiche du lieu sur Acceslibre ; vide si elle n'est pas connue.")
    services: list[str] = Field(description="Codes des services (vocabulaire `service`).")
    fees: list[str] = Field(description="Codes des frais (vocabulaire `fee`).")
    fees_note: str = Field(description="Précisions sur les tarifs.")
    labels: list[str] = Field(description="Codes des labels et dispositifs (vocabulaire `label`).")
    access_modes: list[str] = Field(description="Codes des modalités d'accès (vocabulaire `access_mode`).")
    support_modes: list[str] = Field(description="Codes des modalités d'accompagnement (vocabulaire `support_mode`).")
    equipment: list[EquipmentItemOut] = Field(description="Machines et équipements.")
    provenance: ProvenanceOut = Field(description="Source et licence.")
    freshness: FreshnessOut = Field(description="Mise à jour et vérification.")
    review: ReviewOut = Field(description="Relecture par la coordination.")
    licence: LicenceOut = Field(description="Licence de la donnée de ce lieu, en clair.")
    credit: str | None = Field(description="Mention due en cas de réutilisation ; `null` quand aucune n'est due.")


class DepartementOut(BaseModel):
    """Un département."""

    code: str = Field(description="Code du département.")
    name: str = Field(description="Nom du département.")


class EpciOut(BaseModel):
    """Une intercommunalité (EPCI)."""

    siren: str = Field(description="SIREN de l'EPCI.")
    name: str = Field(description="Nom de l'EPCI.")


class CommuneFoundOut(BaseModel):
    """Une commune trouvée."""

    code: str = Field(description="Code INSEE.")
    name: str = Field(description="Nom officiel.")
    postcodes: list[str] = Field(description="Codes postaux.")
    departement: DepartementOut = Field(description="Département.")
    epci: EpciOut | None = Field(description="Intercommunalité ; `null` pour une commune qui n'en a pas.")
    population: int = Field(description="Population municipale.")
    point: PointOut = Field(description="Centre de la commune.")


class CommunesOut(BaseModel):
    """Les communes qui répondent, de la plus probable à la moins probable."""

    results: list[CommuneFoundOut] = Field(
        description="Noms exacts d'abord, puis communes du territoire servi, puis les plus peuplées."
    )


class VocabularyTermOut(BaseModel):
    """Un terme d'un vocabulaire."""

    code: str = Field(description="Code stable, employé dans les paramètres et les fichiers.")
    label: str = Field(description="Libellé en français.")
    national_value: str = Field(
        description="Valeur correspondante du Schéma des lieux de médiation numérique ; vide s'il n'en a pas."
    )


class VocabularyOut(BaseModel):
    """Un vocabulaire et ses termes, dans l'ordre où le site les présente."""

    name: str = Field(description="Nom du vocabulaire, par exemple `equipment`.")
    label: str = Field(description="Nom en français.")
    terms: list[VocabularyTermOut] = Field(description="Les termes.")


class VocabulariesOut(BaseModel):
    """Tous les vocabulaires."""

    results: list[VocabularyOut] = Field(description="Les vocabulaires, chacun avec ses termes.")
