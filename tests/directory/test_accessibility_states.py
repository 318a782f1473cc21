"""Unknown is not no: accessibility said yes, said no, or not said, from the files to the place page."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from directory.importers.files import import_file
from directory.models import Place, PlaceChange
from tests.accounts.factories import PASSWORD, make_user
from tests.directory.factories import native_file, native_place
from tests.directory.test_place_editing import _form_data
from tests.factories import make_place

ACCESLIBRE = "https://acceslibre.beta.gouv.fr/app/58-luzy/a/mediatheque/erp/mediatheque-de-luzy/"


def _text(response) -> str:
    """The page as a person reads it: no tags, single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" ,", ",")


def _codes(place: Place, relation: str) -> set[str]:
    return set(getattr(place, relation).values_list("code", flat=True))


@pytest.fixture
def library(db):
    return make_place(name="Médiathèque de Luzy", commune="58149", services=("everyday_digital",))


@pytest.fixture
def manager(library):
    return make_user("lea@mediatheque.example", role=Role.PLACE_MANAGER, places=(library,))


def _edit(client, place):
    return reverse("directory:edit_place", kwargs={"pk": place.pk})


def test_the_edit_form_asks_yes_no_or_not_stated_for_each_code(client, library, manager):
    client.login(username="lea@mediatheque.example", password=PASSWORD)
    page = client.get(_edit(client, library)).content.decode()
    # Nothing stated: every question is answered "Non renseigné".
    assert len(re.findall(r'value="unknown" id="[^"]+" checked', page)) == 8
    assert "Accessible en fauteuil roulant" in page
    assert "Non renseigné" in page


def test_a_manager_says_yes_to_wheelchairs_and_no_to_sign_language_and_it_is_recorded(client, library, manager):
    client.login(username="lea@mediatheque.example", password=PASSWORD)
    data = _form_data(client, library)
    data.update({"acces_wheelchair_access": "yes", "acces_deaf": "no", "acceslibre_url": ACCESLIBRE})
    response = client.post(_edit(client, library), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:2000]
    library.refresh_from_db()
    assert _codes(library, "accessibility") == {"wheelchair_access"}
    assert _codes(library, "accessibility_no") == {"deaf"}
    assert library.acceslibre_url == ACCESLIBRE
    change = PlaceChange.objects.get(place=library)
    assert change.fields["accessibility"] == {"before": [], "after": ["wheelchair_access"]}
    assert change.fields["accessibility_no"] == {"before": [], "after": ["deaf"]}

    # Back to "not stated": the code leaves both lists.
    data = _form_data(client, library)
    assert data["acces_wheelchair_access"] == "yes" and data["acces_deaf"] == "no"
    data["acces_deaf"] = "unknown"
    assert client.post(_edit(client, library), data).status_code == 302
    assert _codes(library, "accessibility_no") == set()
    assert _codes(library, "accessibility") == {"wheelchair_access"}


def test_a_wrong_answer_is_refused_in_french_and_changes_nothing(client, library, manager):
    client.login(username="lea@mediatheque.example", password=PASSWORD)
    data = _form_data(client, library)
    data["acces_deaf"] = "peut-etre"
    response = client.post(_edit(client, library), data)
    assert response.status_code == 400
    assert "Répondez « Oui », « Non » ou « Non renseigné »." in html.unescape(response.content.decode())
    assert not PlaceChange.objects.filter(place=library).exists()
    assert _codes(library, "accessibility_no") == set()


def test_the_place_page_says_when_wheelchair_access_is_not_stated_and_links_to_acceslibre(client, db):
    unknown = make_place(name="Sans réponse", commune="58149", acceslibre_url=ACCESLIBRE)
    response = client.get(unknown.get_absolute_url())
    page = _text(response)
    assert "Accès en fauteuil roulant non renseigné : appelez avant de venir." in page
    assert f'href="{ACCESLIBRE}"' in response.content.decode()
    assert "Détails de l'accessibilité sur Acceslibre" in page

    accessible = make_place(name="Accessible", commune="58149", accessibility=("wheelchair_access",))
    page = _text(client.get(accessible.get_absolute_url()))
    assert "Accessible en fauteuil roulant" in page
    assert "fauteuil roulant non renseigné" not in page
    assert "Acceslibre" not in page

    refused = make_place(name="À l'étage", commune="58149", accessibility_no=("wheelchair_access", "deaf"))
    page = _text(client.get(refused.get_absolute_url()))
    assert "Pas d'accès en fauteuil roulant" in page
    assert "Ce lieu indique ne pas proposer : surdité." in page


def test_a_file_cannot_say_yes_and_no_to_the_same_code(db):
    data = native_file(native_place(accessibility=["deaf"], accessibility_no=["deaf", "wheelchair_access"]))
    report = import_file(data, format_name="native", actor="tests", dry_run=False)
    assert not report.ok
    assert any("« deaf » est à la fois dans accessibility et accessibility_no" in str(error) for error in report.errors)
    assert not Place.objects.exists()


def test_a_file_that_states_only_yes_overrides_a_stored_no_and_keeps_the_other_noes(db):
    first = native_file(native_place(accessibility=[], accessibility_no=["deaf", "visual_impairment"]))
    assert import_file(first, format_name="native", actor="tests", dry_run=False).ok
    # The national standard lists only what a place offers: a newer file says "deaf", yes.
    second = native_place(accessibility=["deaf"])
    assert import_file(native_file(second), format_name="native", actor="tests", dry_run=False).ok
    place = Place.objects.get()
    assert _codes(place, "accessibility") == {"deaf"}
    assert _codes(place, "accessibility_no") == {"visual_impairment"}


def test_the_acceslibre_record_of_the_national_standard_is_kept(db):
    header = "id,pivot,nom,commune,code_postal,adresse,source,date_maj,fiche_acces_libre"
    row = f"lieu-1,00000000000000,Médiathèque,Luzy,58170,1 rue du Marché,tests,2024-01-02,{ACCESLIBRE}"
    report = import_file(f"{header}\n{row}\n".encode(), format_name="mednum", actor="tests", dry_run=False)
    assert report.ok, [str(error) for error in report.errors]
    assert Place.objects.get().acceslibre_url == ACCESLIBRE
