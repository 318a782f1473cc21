"""Requests land where the territory is: an unclear commune is asked back, one outside the territory refused."""

import html
import json

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Organisation, OrganisationKind
from demandes.models import Request
from territory.lookup import commune_by_code, forget_lookups
from territory.served import choose_commune
from tests.factories import make_place

FORM = {
    "description": "Je voudrais imprimer une pièce en 3D",
    "audience": "individual",
    "contact_email": "habitant@example.org",
    "consent": "on",
}


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))


def test_a_single_letter_is_not_silently_a_commune_of_another_departement(client, fablab):
    response = client.post(reverse("demandes:new"), {**FORM, "commune": "x"})
    assert response.status_code == 400
    assert "Voulez-vous dire" in _text(response)
    assert not Request.objects.exists()


def test_the_person_picks_one_of_the_communes_offered_without_javascript(client, fablab):
    response = client.post(reverse("demandes:new"), {**FORM, "commune": "58000"})  # Nevers and its neighbours
    assert response.status_code == 400
    choices = response.context["form"].commune_choices
    assert len(choices) > 1 and all("58000" in commune.postcode_list for commune in choices)
    page = _text(response)
    assert all(f'name="commune" value="{commune.code}"' in page for commune in choices)
    # The chosen button is sent after the text field: its INSEE code is the value the form reads.
    served = choices[-1]
    data = {**FORM, "commune": ["58000", served.code]}
    response = client.post(reverse("demandes:new"), data)
    assert response.status_code == 200
    assert Request.objects.get().commune == served


def test_an_unambiguous_name_or_postcode_is_taken_at_once(db):
    assert choose_commune("Luzy").commune.code == "58149"
    assert choose_commune("58149").commune.code == "58149"
    assert choose_commune("58170").ambiguous  # Luzy and its neighbours share this postcode
    assert choose_commune("Trifouillis").commune is None and not choose_commune("Trifouillis").ambiguous


def test_a_commune_outside_the_territory_gets_the_national_map(client, fablab, settings):
    response = client.post(reverse("demandes:new"), {**FORM, "commune": "75056"})
    assert response.status_code == 400
    page = _text(response)
    assert "n'est pas dans le territoire que ce service couvre (Nièvre)" in page
    assert settings.NATIONAL_MAP_URL in page
    assert not Request.objects.exists()
    settings.REQUESTS_OUTSIDE_TERRITORY = True
    assert client.post(reverse("demandes:new"), {**FORM, "commune": "75056"}).status_code == 200


def test_the_api_refuses_a_commune_outside_the_territory_in_french(client, fablab, settings):
    organisation = Organisation.objects.create(name="Chambre", kind=OrganisationKind.CHAMBER)
    _, key = ApiToken.issue(organisation=organisation, name="Outil")
    body = {"description": "imprimer une pièce en 3D", "commune": "75056"}
    response = client.post(
        "/api/v1/requests", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "commune" and settings.NATIONAL_MAP_URL in error["message"]
    assert not Request.objects.exists()


def test_a_commune_typed_again_is_chosen_from_memory_until_the_communes_change(db, django_assert_num_queries):
    first = choose_commune("58170")
    with django_assert_num_queries(0):
        again = choose_commune(" 58170 ")
    assert again.ambiguous and again.candidates == first.candidates
    again.candidates.clear()
    assert choose_commune("58170").candidates == first.candidates
    forget_lookups()
    with django_assert_num_queries(2):
        assert choose_commune("58170").candidates == first.candidates


def test_the_api_reads_a_commune_code_once_per_process_until_the_communes_change(db, django_assert_num_queries):
    nevers = commune_by_code("58194")
    assert nevers.name == "Nevers" and commune_by_code("99999") is None
    with django_assert_num_queries(0):
        assert commune_by_code("58194") is nevers and commune_by_code("99999") is None
    forget_lookups()
    with django_assert_num_queries(1):
        assert commune_by_code("58194") == nevers
