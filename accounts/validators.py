"""French organisation identifiers: SIRET (Luhn key) and RNA."""

import re

from django.core.exceptions import ValidationError

SIRET = re.compile(r"^\d{14}$")
RNA = re.compile(r"^W\d{9}$")
# Many of La Poste's establishments break the Luhn rule: their SIRET digits sum to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def validate_siret(value: str) -> None:
    siret = normalize_siret(value)
    if not SIRET.match(siret):
        raise ValidationError("Un SIRET compte 14 chiffres.", code="siret_format")
    la_poste_ok = siret.startswith(LA_POSTE_SIREN) and sum(int(char) for char in siret) % 5 == 0
    if not (luhn_ok(siret) or la_poste_ok):
        raise ValidationError("Ce SIRET n'est pas valide : vérifiez les chiffres.", code="siret_key")


def validate_rna(value: str) -> None:
    if not RNA.match((value or "").strip().upper()):
        raise ValidationError("Un numéro RNA s'écrit W suivi de 9 chiffres (par exemple W581000123).", code="rna")
