import copy

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_place


@pytest.fixture
def admin_client(client, db, settings):
    # The admin's own templates rely on empty undefined variables.
    templates = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = ""
    settings.TEMPLATES = templates
    user = get_user_model().objects.create_superuser("coordination@example.org", "x")
    client.force_login(user)
    return client


def test_coordinators_search_and_filter_places(admin_client):
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), needs_review=True)
    make_place(name="Médiathèque", commune="58194")
    url = reverse("admin:directory_place_changelist")
    response = admin_client.get(url, {"q": "luzy"})
    assert response.status_code == 200
    assert "Fablab de Luzy" in response.content.decode() and "Médiathèque" not in response.content.decode()
    filtered = admin_client.get(url, {"needs_review__exact": "1"}).content.decode()
    assert "Fablab de Luzy" in filtered and "Médiathèque" not in filtered


def test_the_place_form_has_equipment_and_stops_inline(admin_client):
    place = make_place(name="Micro-Folie", is_itinerant=True, stops=("58149",), equipment=("vr_headset",))
    response = admin_client.get(reverse("admin:directory_place_change", args=[place.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "equipment-TOTAL_FORMS" in html and "stops-TOTAL_FORMS" in html
    # Only terms of the right vocabulary are offered in each list.
    assert "Casque de réalité virtuelle" in html
    assert html.count(">Fablab / Atelier partagé<") == 1


def test_vocabularies_are_editable(admin_client):
    response = admin_client.get(reverse("admin:directory_term_changelist"), {"vocabulary__exact": "equipment"})
    assert response.status_code == 200
    assert "Scanner 3D" in response.content.decode()


def test_anonymous_visitors_cannot_reach_the_admin(client, db):
    response = client.get(reverse("admin:directory_place_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_coordinator_creates_a_user_in_the_admin(admin_client):
    from accounts.models import User

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Gestion@Fablab.example",
            "full_name": "Camille Martin",
            "usable_password": "true",
            "password1": "un mot de passe solide 2026",
            "password2": "un mot de passe solide 2026",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="gestion@fablab.example").check_password("un mot de passe solide 2026")
