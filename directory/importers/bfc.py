"""Reader of the MedNum BFC cartography (bfc-ternum-dataset.csv): real, messy rows.

Each row becomes a PlaceData with source "mednum-bfc" and its bfc_id, so that
a re-import updates the same place. What cannot be trusted is reported, not
guessed: a commune we cannot find skips the row; a point far from its commune
is replaced by the commune's and flagged; an impossible hour cell is left out.

Pure: the caller gives the communes (ReadOptions.load_communes).
"""

import csv
import datetime as dt
import io
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from aiguillage.lib.geo import haversine_km
from aiguillage.lib.phone import first_phone
from aiguillage.lib.text import fold
from directory.importers.crosswalk import Crosswalk, default_crosswalk
from directory.importers.halfdays import HALF_DAY_COLUMNS, convert
from directory.importers.licences import source_licence
from directory.importers.records import Level, PlaceData, Problem, ReadOptions, ReadResult, SourcedPlace
from directory.importers.towns import CommuneIndex, departement_of_postcode, match_town

SOURCE = "mednum-bfc"
LICENCE = source_licence(SOURCE)
CREDIT = "MedNum BFC"
REQUIRED_COLUMNS = ("bfc_id", "nom_structure", "ville", "code_postal", "departement", "lat", "lon", *HALF_DAY_COLUMNS)
# What this source knows; a re-import leaves every other field as it is.
PROVIDED = frozenset(
    {
        "name",
        "commune",
        "postcode",
        "address",
        "latitude",
        "longitude",
        "point_source",
        "point_to_check",
        "phone",
        "email",
        "website",
        "opening_hours",
        "typologies",
        "services",
        "labels",
        "support_modes",
        "source",
        "source_id",
        "licence",
        "date_maj",
        "verified",
        "needs_review",
        "review_note",
    }
)
_url_validator = URLValidator(schemes=["http", "https"])


class Warn(Protocol):
    def __call__(self, field: str, message: str, *, for_review: bool = False) -> None: ...


def read_bfc(data: bytes, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        result.problems.append(Problem("fichier", "", "", f"le fichier n'est pas en UTF-8 ({error.reason})"))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        result.problems.append(
            Problem(
                "fichier",
                "",
                "",
                "colonnes absentes : " + ", ".join(missing) + " ; est-ce bien un fichier MedNum BFC ?",
            )
        )
        return result

    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        line = reader.line_num
        departement = row_departement(row)
        if options.departements and departement not in options.departements:
            result.filtered_out += 1
            continue
        rows.append((line, {key: (value or "").strip() for key, value in row.items() if key is not None}))
    if not rows:
        return result
    if options.load_communes is None:
        raise ValueError("read_bfc needs options.load_communes to find communes")
    index = options.load_communes(sorted({row_departement(row) for _, row in rows} - {""}))
    crosswalk = default_crosswalk()

    seen: set[str] = set()
    for line, row in rows:
        where = f"ligne {line}"
        name = " ".join(row.get("nom_structure", "").split())
        bfc_id = row.get("bfc_id", "")
        if not bfc_id:
            result.skipped.append(Problem(where, name, "bfc_id", "identifiant absent, ligne ignorée"))
            continue
        if bfc_id in seen:
            result.skipped.append(Problem(where, name, "bfc_id", f"identifiant « {bfc_id} » en double, ligne ignorée"))
            continue
        seen.add(bfc_id)
        place, problems, skip = row_to_place(row, where=where, index=index, crosswalk=crosswalk, options=options)
        result.problems.extend(problems)
        if skip is not None:
            result.skipped.append(skip)
        elif place is not None:
            result.places.append(SourcedPlace(where, place))
    return result


def row_departement(row: dict[str, str]) -> str:
    return (row.get("departement") or "").strip().upper() or departement_of_postcode(
        (row.get("code_postal") or "").strip()
    )


def row_to_place(
    row: dict[str, str], *, where: str, index: CommuneIndex, crosswalk: Crosswalk, options: ReadOptions
) -> tuple[PlaceData | None, list[Problem], Problem | None]:
    """(place, warnings, reason to skip the row) for one row of the file."""
    name = " ".join(row.get("nom_structure", "").split())
    problems: list[Problem] = []
    review: list[str] = []

    def warn(field: str, message: str, *, for_review: bool = False) -> None:
        problems.append(Problem(where, name, field, message, Level.WARNING))
        if for_review:
            review.append(f"{field} : {message}.")

    if not name:
        return None, problems, Problem(where, "", "nom_structure", "nom absent, ligne ignorée")
    postcode = row.get("code_postal", "")
    town = row.get("ville", "")
    latitude, longitude = _point(row.get("lat", ""), row.get("lon", ""))
    point = None if latitude is None or longitude is None else (latitude, longitude)
    match = match_town(town, postcode, row_departement(row), index, point=point)
    if match.commune is None:
        reason = f"commune introuvable : « {town} » ({postcode or 'sans code postal'}), ligne ignorée"
        return None, problems, Problem(where, name, "ville", reason)
    commune = match.commune
    if match.alternatives:
        others = ", ".join(f"{c.name} ({c.code})" for c in match.alternatives[:3])
        warn("ville", f"« {town} » lu comme {commune.name} ({commune.code}), plutôt que {others}")
    elif match.how == "point et code postal":
        warn(
            "ville",
            f"« {town} » ne correspond à aucun nom de commune : placé dans {commune.name} ({commune.code}), "
            "la commune de ce code postal la plus proche du point",
            for_review=True,
        )

    point_source, point_to_check = "source", False
    if latitude is None or longitude is None:
        latitude, longitude, point_source = commune.latitude, commune.longitude, "commune"
        warn("lat/lon", "point absent ou illisible, point de la commune utilisé")
    else:
        distance = haversine_km(latitude, longitude, commune.latitude, commune.longitude)
        if distance > options.far_point_km:
            latitude, longitude, point_source, point_to_check = commune.latitude, commune.longitude, "commune", True
            message = (
                f"le point fourni par {CREDIT} était à {distance:.0f} km de la commune ({commune.name}) : "
                "remplacé par le point de la commune, à vérifier"
            )
            warn("lat/lon", message, for_review=True)

    hours = convert(row)
    for column, message in hours.problems:
        warn(column, message, for_review=True)

    translation = crosswalk.translate(row, name)
    for message in translation.problems:
        warn("codes", message)

    address = " ".join(row.get("adresse", "").split())
    if fold(address) == fold(name):
        # Some rows repeat the place's name where the street should be.
        address = ""

    raw_phone = " ".join(row.get("contact_tel", "").split())
    phone = first_phone(raw_phone)
    if raw_phone and not phone:
        warn("contact_tel", f"numéro de téléphone invalide « {raw_phone} », ignoré", for_review=True)

    return (
        PlaceData(
            name=name,
            commune=commune.code,
            source=SOURCE,
            source_id=row["bfc_id"],
            licence=LICENCE,
            typologies=tuple(sorted(translation.typologies)),
            services=tuple(sorted(translation.services)),
            labels=tuple(sorted(translation.labels)),
            support_modes=tuple(sorted(translation.support_modes)),
            address=address,
            postcode=postcode if len(postcode) == 5 and postcode.isdigit() else "",
            latitude=latitude,
            longitude=longitude,
            point_source=point_source,
            point_to_check=point_to_check,
            phone=phone,
            email=_email(row.get("contact_email", ""), warn),
            website=_website(row.get("url_lieu", ""), warn),
            opening_hours=hours.opening_hours,
            date_maj=_date(row.get("mise_a_jour", ""), warn),
            verified=False,
            needs_review=bool(review),
            review_note="\n".join(review),
            provided=PROVIDED,
        ),
        problems,
        None,
    )


def _point(lat: str, lon: str) -> tuple[float | None, float | None]:
    try:
        latitude, longitude = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _email(value: str, warn: Warn) -> str:
    candidates = value.replace(";", " ").replace(",", " ").split()
    if not candidates:
        return ""
    try:
        validate_email(candidates[0])
    except ValidationError:
        warn("contact_email", f"adresse électronique invalide « {value} », ignorée", for_review=True)
        return ""
    return candidates[0]


def _website(value: str, warn: Warn) -> str:
    candidates = value.split()
    if not candidates:
        return ""
    url = candidates[0]
    if "://" not in url:
        url = "http://" + url
    try:
        _url_validator(url)
    except ValidationError:
        warn("url_lieu", f"adresse web invalide « {value} », ignorée", for_review=True)
        return ""
    if len(url) > 500:
        warn("url_lieu", "adresse web trop longue, ignorée", for_review=True)
        return ""
    return url


def _date(value: str, warn: Warn) -> dt.date | None:
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    warn("mise_a_jour", f"date illisible « {value} », ignorée")
    return None
