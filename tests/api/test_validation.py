"""Bad input gets a French message per field, in one shape, and never a 500."""

import pytest

from tests.api.conftest import REQUESTS, SUGGESTIONS, post_json

pytestmark = pytest.mark.django_db

VALID = {"description": "imprimer une pièce en 3D", "commune": "58194"}


def _errors(response) -> dict[str, str]:  # noqa: ANN001
    body = response.json()
    assert body["detail"] == "Requête invalide."
    return {error["field"]: error["message"] for error in body["errors"]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "ab"}, "description", "Décrivez le besoin en quelques mots (3 caractères au moins)."),
        ({"description": "      "}, "description", "Décrivez le besoin en quelques mots (3 caractères au moins)."),
        ({"description": "x" * 5001}, "description", "La description est trop longue (5 000 caractères au plus)."),
        ({"description": 42}, "description", "Une chaîne de caractères est attendue."),
        ({"description": "scan\x00ner"}, "description", "Le texte contient des caractères non autorisés."),
        ({"description": "scan\udc80ner"}, "description", "Le texte contient des caractères non autorisés."),
        ({"commune": "99999"}, "commune", "Code INSEE inconnu : 99999."),
        (
            {"commune": "5809"},
            "commune",
            "Code INSEE invalide : cinq caractères, par exemple 58095 (ou 2A004 en Corse). "
            "Le code postal ne convient pas.",
        ),
        ({"commune": 58095}, "commune", "Une chaîne de caractères est attendue."),
        (
            {"audience": "robot"},
            "audience",
            "Valeur inconnue. Valeurs possibles : individual, professional, association, public_body ou school.",
        ),
        ({"quantity": 0}, "quantity", "La valeur doit être supérieure ou égale à 1."),
        (
            {"quantity": 10_000_000},
            "quantity",
            "La valeur doit être inférieure ou égale à 1\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}000.",
        ),
        ({"quantity": "3"}, "quantity", "Un nombre entier est attendu."),
        ({"quantity": True}, "quantity", "Un nombre entier est attendu."),
        ({"quantity": 2.5}, "quantity", "Un nombre entier est attendu."),
        (
            {"quantity": 1e300},
            "quantity",
            "La valeur doit être inférieure ou égale à 1\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}000.",
        ),
        ({"limit": 0}, "limit", "La valeur doit être supérieure ou égale à 1."),
        ({"limit": 21}, "limit", "La valeur doit être inférieure ou égale à 20."),
        ({"max_distance_km": 0}, "max_distance_km", "La valeur doit être strictement supérieure à 0."),
        ({"max_distance_km": 501}, "max_distance_km", "La valeur doit être inférieure ou égale à 500."),
        ({"max_distance_km": "loin"}, "max_distance_km", "Un nombre est attendu."),
        ({"accessibility_needs": "deaf"}, "accessibility_needs", "Une liste est attendue."),
        (
            {"accessibility_needs": ["deaf", "wings"]},
            "accessibility_needs",
            "Élément n° 2 : valeur inconnue. Valeurs possibles : deaf, motor_disability, mental_disability, "
            "illiteracy, foreign_language_english, foreign_language_other ou visual_impairment.",
        ),
        ({"needs": ["unknown_need"]}, "needs", "Code de besoin inconnu : unknown_need. Voir le thésaurus."),
        ({"needs": []}, "needs", "Au moins 1 élément(s), ou omettez ce champ."),
        (
            {"needs": ["3d_printing", "Scanner 3D"]},
            "needs",
            "Élément n° 2 : code de besoin invalide : minuscules ASCII, chiffres et « _ ».",
        ),
        ({"commune_code": "58194"}, "commune_code", "Ce champ n'existe pas dans l'API : vérifiez son nom."),
    ],
)
def test_each_bad_value_gets_a_422_with_a_french_message_on_its_field(client, change, field, message):
    response = post_json(client, SUGGESTIONS, {**VALID, **change})

    assert response.status_code == 422
    assert _errors(response) == {field: message}


def test_missing_fields_are_named_each_with_its_message(client):
    response = post_json(client, SUGGESTIONS, {})

    assert response.status_code == 422
    assert _errors(response) == {
        "description": "Décrivez le besoin en quelques mots.",
        "commune": "Indiquez le code INSEE de la commune de la personne.",
    }


def test_every_problem_is_reported_at_once(client):
    response = post_json(client, SUGGESTIONS, {"description": "ab", "commune": "5809", "limit": 50, "extra": 1})

    assert response.status_code == 422
    assert set(_errors(response)) == {"description", "commune", "limit", "extra"}


def test_unknown_codes_are_reported_together(client):
    response = post_json(client, SUGGESTIONS, {**VALID, "commune": "99999", "needs": ["nope"]})

    assert response.status_code == 422
    assert set(_errors(response)) == {"commune", "needs"}


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b'{"description": "imprimer", ',
            "application/json",
            "Le corps de la requête n'est pas du JSON valide (UTF-8).",
        ),
        (b"\xff\xfe{}", "application/json", "Le corps de la requête n'est pas du JSON valide (UTF-8)."),
        (
            b'{"description": "imprimer en 3D", "commune": "58194", "max_distance_km": NaN}',
            "application/json",
            "Le corps de la requête n'est pas du JSON valide (UTF-8).",
        ),
        (b'{"\\udc80": 1}', "application/json", "Le corps de la requête contient des caractères non autorisés."),
        (b"[]", "application/json", "Le corps de la requête doit être un objet JSON."),
        (b'"imprimer en 3D"', "application/json", "Le corps de la requête doit être un objet JSON."),
        (b"", "application/json", "Le corps de la requête est vide : envoyez un objet JSON."),
        (
            b"description=imprimer&commune=58194",
            "application/x-www-form-urlencoded",
            "Envoyez le corps de la requête en JSON, avec l'en-tête Content-Type: application/json.",
        ),
        (
            b'{"description": "imprimer en 3D", "commune": "58194"}',
            "text/plain",
            "Envoyez le corps de la requête en JSON, avec l'en-tête Content-Type: application/json.",
        ),
    ],
)
def test_a_body_that_is_not_a_json_object_gets_a_400(client, body, content_type, message):
    response = client.post(SUGGESTIONS, body, content_type=content_type)

    assert response.status_code == 400
    assert _errors(response) == {"body": message}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_wrong_method_gets_a_405_in_french(client, method):
    response = getattr(client, method)(SUGGESTIONS)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": f"Méthode {method.upper()} non autorisée : utilisez POST.", "errors": []}


def test_reading_the_requests_endpoint_is_not_allowed_either(client):
    response = client.get(REQUESTS)

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_body_larger_than_django_accepts_gets_a_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post_json(client, SUGGESTIONS, {**VALID, "description": "imprimer " * 200})

    assert response.status_code == 413
    assert response.json()["detail"] == "Le corps de la requête est trop volumineux."


def test_a_whole_number_written_with_a_decimal_point_is_a_whole_number(client):
    response = post_json(client, SUGGESTIONS, {**VALID, "limit": 3.0, "quantity": 2.0})

    assert response.status_code == 200
