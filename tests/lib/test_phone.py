"""Telephone numbers are checked in every form and import, and kept in one form."""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from aiguillage.lib.phone import PhoneError, first_phone, normalize_phone, to_e164
from demandes.models import Request
from directory.importers.files import read_file
from directory.models import ErrorReport, Place
from tests.accounts.factories import PASSWORD, make_user
from tests.directory.test_place_editing import _form_data
from tests.factories import make_place

HOSTILE = '=HYPERLINK("http://e.vil")'


@pytest.mark.parametrize(
    "value, stored, e164",
    [
        ("03 86 00 00 00", "03 86 00 00 00", "+33386000000"),
        ("0386000000", "03 86 00 00 00", "+33386000000"),
        ("+33 6 12 34 56 78", "06 12 34 56 78", "+33612345678"),
        ("0033 6.12.34.56.78", "06 12 34 56 78", "+33612345678"),
        ("0590 12 34 56", "0590 12 34 56", "+590590123456"),
    ],
)
def test_french_numbers_are_kept_in_national_form(value, stored, e164):
    assert normalize_phone(value) == stored
    assert to_e164(stored) == e164


@pytest.mark.parametrize("value", [HOSTILE, "appelez-moi", "123", "03 86 00 00", "+33 1", "@0386000000", "0" * 50])
def test_anything_but_one_valid_number_is_refused_in_french(value):
    with pytest.raises(PhoneError, match="n'est pas valide"):
        normalize_phone(value)


def test_the_first_valid_number_of_a_messy_text_is_taken():
    assert first_phone("Tél. 03.86.00.00.00 ou 06 12 34 56 78") == "03 86 00 00 00"
    assert first_phone("voir site") == ""


def test_the_public_request_form_refuses_a_formula_as_phone(client, db):
    data = {
        "description": "Imprimer une pièce en 3D",
        "commune": "Luzy",
        "audience": "individual",
        "contact_phone": HOSTILE,
        "consent": "on",
    }
    response = client.post(reverse("demandes:new"), data)
    assert response.status_code == 400
    assert "Ce numéro de téléphone n'est pas valide" in response.content.decode().replace("&#x27;", "'")
    assert not Request.objects.exists()
    response = client.post(reverse("demandes:new"), {**data, "contact_phone": "+33 6 12 34 56 78"})
    assert response.status_code == 200
    assert Request.objects.get().contact_phone == "06 12 34 56 78"


def test_the_managers_form_refuses_a_formula_as_phone(client, db):
    place = make_place(name="Fablab de Luzy", commune="58149", phone="03 86 00 00 00")
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(place,))
    client.login(username="camille@fablab.example", password=PASSWORD)
    data = {**_form_data(client, place), "phone": HOSTILE}
    response = client.post(reverse("directory:edit_place", kwargs={"pk": place.pk}), data)
    assert response.status_code == 400
    place.refresh_from_db()
    assert place.phone == "03 86 00 00 00"
    data["phone"] = "0386999999"
    client.post(reverse("directory:edit_place", kwargs={"pk": place.pk}), data)
    place.refresh_from_db()
    assert place.phone == "03 86 99 99 99"


def test_an_error_report_takes_an_email_or_a_phone_and_nothing_else(client, db):
    place = make_place(name="Fablab de Luzy", commune="58149")
    url = reverse("directory:report_error", kwargs={"pk": place.pk})
    message = "Les horaires ont changé depuis septembre."
    response = client.post(url, {"message": message, "contact": HOSTILE})
    assert response.status_code == 400 and not ErrorReport.objects.exists()
    client.post(url, {"message": message, "contact": "0612345678"})
    assert ErrorReport.objects.get().contact == "06 12 34 56 78"


def test_the_native_import_refuses_an_invalid_phone(db):
    document = {
        "format": "aiguillage-lieux",
        "version": 1,
        "places": [
            {
                "name": "Fablab",
                "address": {"commune": "58194"},
                "contact": {"phone": HOSTILE},
                "provenance": {"source": "tests", "source_id": "x", "licence": "etalab-2.0"},
            }
        ],
    }
    result = read_file(json.dumps(document).encode(), format_name="native")
    assert "numéro de téléphone invalide" in json.dumps([str(p) for p in result.problems], ensure_ascii=False)
    assert not Place.objects.exists()
