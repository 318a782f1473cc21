"""The invitation form: no role chosen in advance, places found by a search that works without JavaScript."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import Invitation, Organisation, OrganisationKind, Role
from directory.models import PlaceStatus
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.factories import make_place

LUZY, NEVERS = "58149", "58194"


@pytest.fixture
def coordinator_client(client, db):
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    return client


@pytest.fixture
def places(db):
    return {
        "fablab": make_place(name="Fablab de Luzy", commune=LUZY),
        "mediatheque": make_place(name="Médiathèque de Luzy", commune=LUZY),
        "nevers": make_place(name="Espace numérique", commune=NEVERS),
        "closed": make_place(name="Ancien cyber-espace de Luzy", commune=LUZY, status=PlaceStatus.CLOSED),
    }


@pytest.fixture
def association(db):
    return Organisation.objects.create(name="Association du fablab", kind=OrganisationKind.ASSOCIATION)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _boxes(page: str) -> dict[str, bool]:
    """The place checkboxes of the page: label → checked."""
    found = {}
    for match in re.finditer(
        r'<input type="checkbox" name="places" value="\d+"([^>]*)> <label[^>]*>([^<]+)</label>', page
    ):
        found[match.group(2)] = "checked" in match.group(1)
    return found


def _search(client, query: str, **fields: object):
    data = {"email": "camille@fablab.example", "role": Role.PLACE_MANAGER, "place_search": query, "action": "search"}
    return client.post(reverse("accounts:invite"), {**data, **fields})


def test_no_role_is_chosen_in_advance_and_no_place_is_listed(coordinator_client, places):
    page = _text(coordinator_client.get(reverse("accounts:invite")))
    radios = re.findall(r'<input type="radio" name="role"[^>]*>', page)
    assert len(radios) == 4 and not any("checked" in radio for radio in radios)
    # The most powerful role comes last, saying what it allows.
    assert page.index("Gestionnaire de lieu :") < page.index("Coordinateur : tous les droits")
    assert _boxes(page) == {} and "Fablab de Luzy" not in page
    assert "Choisissez une organisation" in page


def test_a_search_offers_the_matching_open_places_and_keeps_what_was_typed(coordinator_client, places, association):
    response = _search(coordinator_client, "luzy", organisation=association.pk)
    page = _text(response)
    assert response.status_code == 200 and "Le formulaire contient des erreurs" not in page
    assert _boxes(page) == {"Fablab de Luzy (Luzy)": False, "Médiathèque de Luzy (Luzy)": False}
    assert "2 lieux trouvés pour « luzy »" in page
    assert 'value="camille@fablab.example"' in page
    assert re.search(r'<input type="radio" name="role" value="place_manager"[^>]* checked>', page)
    assert f'<option value="{association.pk}" selected>' in page
    assert not Invitation.objects.exists()


def test_chosen_places_stay_chosen_through_a_new_search_and_are_invited(coordinator_client, places, association):
    fablab, nevers = places["fablab"], places["nevers"]
    page = _text(_search(coordinator_client, "nevers", organisation=association.pk, places=[fablab.pk]))
    assert _boxes(page) == {"Fablab de Luzy (Luzy)": True, "Espace numérique (Nevers)": False}
    response = coordinator_client.post(
        reverse("accounts:invite"),
        {
            "email": "camille@fablab.example",
            "organisation": association.pk,
            "role": Role.PLACE_MANAGER,
            "places": [fablab.pk, nevers.pk],
            "place_search": "nevers",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert set(invitation.places.all()) == {fablab, nevers} and invitation.role == Role.PLACE_MANAGER


@pytest.mark.parametrize("query", ["mediatheque", "MÉDIATHÈQUE luzy", "58170 media"])
def test_the_search_forgives_accents_and_case_and_reads_postcodes(coordinator_client, places, query):
    assert "Médiathèque de Luzy (Luzy)" in _boxes(_text(_search(coordinator_client, query)))


def test_a_search_without_result_says_so(coordinator_client, places):
    page = _text(_search(coordinator_client, "cyber-espace"))
    assert _boxes(page) == {} and "Aucun autre lieu ne correspond à « cyber-espace »" in page


def test_sending_without_a_role_asks_for_one_in_french(coordinator_client, association):
    response = coordinator_client.post(
        reverse("accounts:invite"), {"email": "x@example.org", "organisation": association.pk}
    )
    assert response.status_code == 400 and "Choisissez le rôle de la personne." in _text(response)
    assert not Invitation.objects.exists()


def test_a_place_that_does_not_exist_is_refused_in_french(coordinator_client, association):
    response = coordinator_client.post(
        reverse("accounts:invite"),
        {"email": "x@example.org", "organisation": association.pk, "role": Role.PLACE_MANAGER, "places": ["999999"]},
    )
    assert response.status_code == 400 and "Sélectionnez un choix valide" in _text(response)
    assert not Invitation.objects.exists()


def test_a_mangled_search_post_is_not_an_error(coordinator_client, places):
    response = _search(coordinator_client, "luzy" * 100, places=["abc", "-1"], role="n-importe-quoi")
    assert response.status_code == 200 and _boxes(_text(response)) == {}


def test_each_hint_is_the_one_its_field_points_to(coordinator_client):
    page = coordinator_client.get(reverse("accounts:invite")).content.decode()
    described = re.search(r'<input type="search" name="place_search"[^>]*aria-describedby="([^"]+)"', page).group(1)
    assert f'<span class="hint" id="{described}">Nom du lieu, de sa commune ou code postal.</span>' in page
