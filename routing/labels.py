"""The French words of routing reasons, keyed by the vocabulary codes of the directory.

A code missing here (a term coordinators added later) still reads well: the engine falls back on a generic
sentence around the term's label, given in ``RoutingSettings.labels``.
"""

from collections.abc import Mapping

EQUIPMENT_REASONS: Mapping[str, str] = {
    "3d_printer": "dispose d'une imprimante 3D",
    "3d_scanner": "dispose d'un scanner 3D",
    "laser_cutter": "dispose d'une découpeuse laser",
    "embroidery_machine": "dispose d'une brodeuse numérique",
    "heat_press": "dispose d'une presse à chaud (flocage)",
    "vinyl_cutter": "dispose d'une découpeuse vinyle",
    "cnc_mill": "dispose d'une fraiseuse numérique (CNC)",
    "vr_headset": "dispose de casques de réalité virtuelle",
    "robotics_kit": "dispose de matériel de robotique",
    "electronics_kit": "dispose de matériel d'électronique (Arduino, Raspberry Pi)",
    "sewing_machine": "dispose d'une machine à coudre",
    "large_format_printer": "dispose d'un traceur grand format",
    "computer_access": "dispose d'ordinateurs en accès libre",
    "video_studio": "dispose d'un studio vidéo",
}

SERVICE_REASONS: Mapping[str, str] = {
    "production_run": "réalise des séries",
    "fabrication_service": "réalise des prestations de fabrication",
    "project_support": "accompagne les projets",
    "training": "propose des formations",
    "initiation": "propose des ateliers de découverte",
    "open_access": "ouvre ses machines en accès libre encadré",
    "equipment_lending": "prête du matériel",
    "admin_procedures": "aide aux démarches administratives en ligne",
    "everyday_digital": "aide à utiliser le numérique au quotidien",
    "job_insertion": "aide à chercher un emploi en ligne",
    "safe_digital": "aide à se protéger en ligne (arnaques, piratage, données)",
    "digital_parenting": "accompagne les parents face aux écrans",
    "digital_leisure": "propose des loisirs et créations numériques",
    "digital_understanding": "aide à comprendre le numérique (IA, réseaux sociaux)",
    "internet_access": "donne accès à internet, à l'impression et au scan",
    "affordable_equipment": "vend du matériel informatique à prix solidaire",
}

AUDIENCE_REASONS: Mapping[str, str] = {
    "individual": "accueille les particuliers",
    "professional": "accueille les professionnels",
    "association": "accueille les associations",
    "public_body": "accueille les collectivités et services publics",
    "school": "accueille les établissements scolaires",
}

ACCESSIBILITY_REASONS: Mapping[str, str] = {
    "wheelchair_access": "accessible en fauteuil roulant",
    "motor_disability": "accueil adapté aux handicaps moteurs",
    "deaf": "accueil adapté aux personnes sourdes",
    "mental_disability": "accueil adapté aux handicaps mentaux",
    "illiteracy": "accompagne les personnes en situation d'illettrisme",
    "foreign_language_english": "accueil possible en anglais",
    "foreign_language_other": "accueil possible en langues étrangères",
    "visual_impairment": "accueil adapté aux déficiences visuelles",
}

UNCONFIRMED = "à confirmer"
AUDIENCE_UNKNOWN = "public accueilli non précisé"
REMOTE = "service à distance"
FRESH = "fiche vérifiée récemment"
UNVERIFIED = "fiche non vérifiée"


def equipment_reason(code: str, labels: Mapping[str, str], *, confirmed: bool) -> str:
    reason = EQUIPMENT_REASONS.get(code) or f"dispose de l'équipement « {labels.get(code, code)} »"
    return reason if confirmed else f"{reason} ({UNCONFIRMED})"


def service_reason(code: str, labels: Mapping[str, str]) -> str:
    return SERVICE_REASONS.get(code) or f"propose le service « {labels.get(code, code)} »"


TO_CONFIRM_CALL = "à confirmer : appelez avant"


def likely_service_reason(code: str, labels: Mapping[str, str]) -> str:
    """A service the record does not list, but that the place's type or label makes likely."""
    return f"probablement : {service_reason(code, labels)} ({TO_CONFIRM_CALL})"


def likely_why(reason: str) -> str:
    return f"non indiqué sur la fiche : {reason}"


def audience_reason(code: str, labels: Mapping[str, str]) -> str:
    return AUDIENCE_REASONS.get(code) or f"accueille : {labels.get(code, code)}"


def accessibility_reason(code: str, labels: Mapping[str, str]) -> str:
    return ACCESSIBILITY_REASONS.get(code) or f"prise en charge : {labels.get(code, code)}"


def accessibility_unknown_reason(codes: list[str], labels: Mapping[str, str]) -> str:
    """What to check with the place when its record does not say (unknown is not no)."""
    named = ", ".join((labels.get(code) or ACCESSIBILITY_REASONS.get(code) or code).lower() for code in codes)
    return f"accessibilité non renseignée ({named}) : appelez avant"


def distance_reason(km: float) -> str:
    if km < 1:
        return "à moins d'un kilomètre"
    return f"à {round(km)} km"


def stop_reason(commune_name: str) -> str:
    return f"passe à {commune_name} (étape la plus proche)"


def format_km(km: float) -> str:
    """A distance as French writes it: "60", "42,5"."""
    text = f"{km:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def unmet_message(max_distance_km: float) -> str:
    return (
        f"Aucun lieu ne répond à ce besoin à moins de {format_km(max_distance_km)} km. "
        "La demande est enregistrée comme besoin non couvert."
    )


TO_QUALIFY_MESSAGE = (
    "Besoin à qualifier : aucune catégorie de besoin n'a été reconnue. Un coordinateur va préciser la demande."
)


PARTIAL = "réponse partielle"


def missing_reason(missing_labels: tuple[str, ...]) -> str:
    """The first reason of a place that covers only part of the request."""
    return f"{PARTIAL} : ne couvre pas {', '.join(missing_labels)}"


def found_message(count: int, uncovered_labels: tuple[str, ...], *, unmet: bool = False) -> str:
    message = "1 lieu proposé." if count == 1 else f"{count} lieux proposés."
    if uncovered_labels:
        message += f" Aucun de ces lieux ne couvre : {', '.join(uncovered_labels)}."
    if unmet:
        message += " La demande est enregistrée comme besoin non couvert."
    return message
