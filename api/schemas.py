"""What the API takes and gives back: the contract partners' tools rely on, described in French."""

import re
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from aiguillage.lib.phone import PhoneError, normalize_phone

INSEE_PATTERN = r"^(?:[0-9]{2}|2[AB])[0-9]{3}$"
CODE_PATTERN = r"^[a-z0-9_]{1,50}$"
# Control characters other than tab and line breaks, which nobody types (and PostgreSQL refuses NUL), and lone
# surrogates, which JSON can escape but no database can store.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

AudienceCode = Literal["individual", "professional", "association", "public_body", "school"]
AccessibilityCode = Literal[
    "deaf",
    "motor_disability",
    "mental_disability",
    "illiteracy",
    "foreign_language_english",
    "foreign_language_other",
    "visual_impairment",
]


def _clean_text(value: str) -> str:
    if FORBIDDEN_CHARACTERS.search(value):
        raise PydanticCustomError("forbidden_characters", "Le texte contient des caractères non autorisés.")
    return value.strip()


def _description(value: str) -> str:
    value = _clean_text(value)
    if len(value) < 3:
        raise PydanticCustomError("string_too_short", "Décrivez le besoin en quelques mots (3 caractères au moins).")
    return value


def _email(value: str) -> str:
    value = _clean_text(value)
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise PydanticCustomError("invalid_email", "Cette adresse électronique n'est pas valide.") from None
    return value


def _phone(value: str) -> str:
    value = _clean_text(value)
    if not value:
        return value
    try:
        return normalize_phone(value)
    except PhoneError as error:
        raise PydanticCustomError("invalid_phone", str(error)) from None


Description = Annotated[
    str,
    StringConstraints(min_length=3, max_length=5000),
    AfterValidator(_description),
    Field(
        description="Le besoin, avec les mots de la personne (3 à 5 000 caractères). Les besoins y sont "
        "reconnus quand le champ `needs` est absent.",
        examples=["scanner les pieds de mes clients en 3D"],
    ),
]
CommuneCode = Annotated[
    str,
    StringConstraints(pattern=INSEE_PATTERN),
    Field(description="Code INSEE de la commune de la personne (pas le code postal).", examples=["58095"]),
]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]


def _integral(value: object) -> object:
    # JSON does not tell 3 from 3.0, and JSON Schema counts both as integers; booleans are not numbers here.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Integer = Annotated[int, BeforeValidator(_integral)]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class SuggestionQuery(BaseModel):
    """Un besoin à aiguiller : ce que la personne demande, et d'où."""

    model_config = ConfigDict(strict=True, extra="forbid", title="Besoin")

    description: Description
    commune: CommuneCode
    audience: AudienceCode = Field(
        default="individual",
        description="Qui demande : `individual` particulier, `professional` professionnel (entreprise, artisan, "
        "commerçant, agriculteur), `association`, `public_body` collectivité ou service public, `school` "
        "établissement scolaire.",
    )
    quantity: Integer = Field(
        default=1,
        ge=1,
        le=1_000_000,
        description="Nombre de pièces à fabriquer, s'il y en a. À partir du seuil de série, seuls les lieux qui "
        "produisent en série sont proposés.",
    )
    accessibility_needs: Annotated[list[AccessibilityCode], AfterValidator(_unique)] = Field(
        default_factory=list,
        max_length=10,
        description="Besoins d'un accueil adapté (liste nationale) : `deaf` surdité, `motor_disability` handicaps "
        "moteurs, `mental_disability` handicaps mentaux, `illiteracy` illettrisme, `foreign_language_english` "
        "langue anglaise, `foreign_language_other` autres langues étrangères, `visual_impairment` déficience "
        "visuelle. Seuls les lieux qui les prennent tous en charge sont proposés.",
    )
    needs: Annotated[list[Code], Field(min_length=1, max_length=30), AfterValidator(_unique)] | None = Field(
        default=None,
        description="Codes des catégories de besoin du thésaurus (par exemple `3d_scanning`), si vous les "
        "connaissez. Absent ou `null` : les besoins sont reconnus dans la description.",
    )
    max_distance_km: float | None = Field(
        default=None,
        gt=0,
        le=500,
        description="Distance maximale en kilomètres (500 au plus). Absente : la distance par défaut du territoire.",
    )
    limit: Integer = Field(default=5, ge=1, le=20, description="Nombre maximal de lieux proposés (1 à 20).")


class RequestSubmission(SuggestionQuery):
    """Une demande à enregistrer pour le compte d'une personne, avec ses coordonnées si elle l'accepte."""

    model_config = ConfigDict(strict=True, extra="forbid", title="Demande")

    situations: Annotated[list[Code], AfterValidator(_unique)] = Field(
        default_factory=list,
        max_length=20,
        description="Codes du vocabulaire « situation d'un demandeur » (par exemple `senior`, `job_seeker`), "
        "si la personne le souhaite.",
    )
    contact_name: Annotated[str, StringConstraints(max_length=150), AfterValidator(_clean_text)] = Field(
        default="", description="Nom de la personne (facultatif, 150 caractères au plus)."
    )
    contact_email: Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)] = Field(
        default="", description="Courriel de la personne : elle y reçoit l'accusé de réception et le lien de suivi."
    )
    contact_phone: Annotated[str, StringConstraints(max_length=20), AfterValidator(_phone)] = Field(
        default="", description="Téléphone de la personne (chiffres, espaces, +, points, tirets, parenthèses)."
    )
    consent: bool = Field(
        default=False,
        description="La personne accepte que ses coordonnées soient transmises au lieu qui l'aidera et conservées "
        "le temps de traiter sa demande. Obligatoire (`true`) dès qu'une coordonnée est donnée.",
    )


class NeedOut(BaseModel):
    """Une catégorie de besoin reconnue ou indiquée."""

    code: str = Field(description="Code de la catégorie dans le thésaurus.")
    label: str = Field(description="Libellé en français.")
    evidence: list[str] = Field(
        description="Mots de la description qui ont fait reconnaître ce besoin ; vide quand il a été indiqué."
    )


class CommuneOut(BaseModel):
    """Une commune."""

    code: str = Field(description="Code INSEE.")
    name: str = Field(description="Nom de la commune.")


class PlaceOut(BaseModel):
    """Un lieu de l'annuaire."""

    id: int = Field(description="Identifiant du lieu dans l'annuaire.")
    name: str = Field(description="Nom du lieu.")
    commune: CommuneOut = Field(description="Commune du lieu.")
    url: str = Field(description="Adresse de la fiche publique du lieu.")


class SuggestionOut(BaseModel):
    """Un lieu proposé, avec ses raisons."""

    place: PlaceOut = Field(description="Le lieu proposé.")
    score: float = Field(description="Pertinence, de 0 à 1 environ : adéquation, proximité, fraîcheur de la fiche.")
    distance_km: float | None = Field(
        description="Distance estimée par la route, en kilomètres ; `null` pour un service à distance."
    )
    reasons: list[str] = Field(description="Pourquoi ce lieu est proposé, en phrases courtes.")
    missing: list[str] = Field(
        default_factory=list,
        description="Les besoins que ce lieu ne couvre pas (réponse partielle) ; vide quand il les couvre tous.",
    )


class SuggestionsOut(BaseModel):
    """Les lieux proposés pour un besoin."""

    needs: list[NeedOut] = Field(description="Les besoins pris en compte.")
    suggestions: list[SuggestionOut] = Field(
        description="Les lieux proposés : d'abord ceux qui couvrent tous les besoins, du plus pertinent au moins "
        "pertinent, puis les réponses partielles."
    )
    uncovered: list[NeedOut] = Field(
        default_factory=list, description="Les besoins qu'aucun des lieux proposés ne couvre."
    )
    unmet: bool = Field(
        description="Vrai quand des besoins sont reconnus mais qu'aucun lieu n'y répond à portée, ou qu'aucun des "
        "lieux proposés n'a une machine demandée."
    )
    message: str = Field(description="Le résultat en une phrase, à montrer tel quel.")


class RequestCreatedOut(BaseModel):
    """Une demande enregistrée."""

    reference: str = Field(description="Référence de la demande, par exemple 58-2026-00042.")
    status: Literal["new", "qualified"] = Field(
        description="État : `qualified` quand des besoins ont été reconnus, `new` quand un coordinateur doit "
        "la qualifier."
    )
    needs: list[NeedOut] = Field(description="Les besoins enregistrés.")
    tracking_url: str = Field(
        description="Lien privé de suivi à remettre à la personne : il ne peut pas être retrouvé ensuite."
    )
    unmet: bool = Field(description="Vrai quand aucun lieu ne répond aux besoins reconnus.")


class FieldError(BaseModel):
    """Un problème sur un champ."""

    field: str = Field(description="Le champ en cause (`body` pour le corps de la requête entier).")
    message: str = Field(description="Ce qui ne va pas, en français.")


class ErrorOut(BaseModel):
    """Une erreur, toujours de cette forme."""

    detail: str = Field(description="L'erreur, en français.")
    errors: list[FieldError] = Field(
        description="Une entrée par champ en cause ; vide quand aucun champ n'est en cause."
    )
