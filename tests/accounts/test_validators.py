import pytest
from django.core.exceptions import ValidationError

from accounts.validators import validate_rna, validate_siret


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000048", "35600000012346"])
def test_valid_sirets_pass(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "Ce SIRET n'est pas valide"),
        ("1234", "Un SIRET compte 14 chiffres."),
        ("7328293200007A", "Un SIRET compte 14 chiffres."),
        ("35600000012345", "Ce SIRET n'est pas valide"),
    ],
)
def test_invalid_sirets_are_refused_in_french(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_rna_is_w_and_nine_digits():
    validate_rna("W581000123")
    with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
        validate_rna("581000123")
