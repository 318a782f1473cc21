import datetime as dt
import html

import pytest
from django import forms
from django.urls import reverse

from accounts.models import Role
from directory.models import ChangeKind, Equipment, PlaceChange
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place, term


@pytest.fixture
def fablab(db):
    return make_place(
        name="Fablab de Luzy",
        commune="58149",
        opening_hours="Mo-Fr 09:00-12:00",
        services=("training",),
        equipment=("3d_printer",),
        date_maj=dt.date(2021, 3, 5),
    )


@pytest.fixture
def manager(fablab):
    return make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(fablab,), full_name="Camille Martin")


def _form_data(client, place) -> dict:
    """The edit form as the browser would send it back, untouched."""
    response = client.get(reverse("directory:edit_place", kwargs={"pk": place.pk}))
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix, item in zip(widget.widgets_names, widget.decompress(value), strict=True):
                if item not in (None, False, ""):
                    data[bound.html_name + suffix] = "on" if item is True else str(item)
            continue
        if value in (None, False, ""):
            continue
        if isinstance(value, list):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, dt.time):
            data[bound.html_name] = value.strftime("%H:%M")
        elif isinstance(value, dt.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = "on" if value is True else str(value)
    for formset in (response.context["equipment"], response.context["stops"]):
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for subform in formset.forms:
            for bound in subform:
                value = bound.value()
                if value is not None and value != "" and value is not False:
                    data[bound.html_name] = "on" if value is True else str(value)
    return data


def test_a_manager_changes_the_hours_of_their_place(client, fablab, manager):
    client.login(username="camille@fablab.example", password=PASSWORD)
    data = _form_data(client, fablab)
    data.update({"opening_hours_d2_pm_start": "14:00", "opening_hours_d2_pm_end": "18:00", "opening_hours_ph": "on"})
    response = client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    fablab.refresh_from_db()
    assert fablab.opening_hours == "Mo,Tu,Th,Fr 09:00-12:00; We 09:00-12:00,14:00-18:00; PH off"
    assert fablab.verified and fablab.date_maj == dt.date.today()
    assert fablab.verified_by == "Conseil départemental"  # an organisation, never a person's name
    change = PlaceChange.objects.get(place=fablab)
    assert change.actor == manager and change.kind == ChangeKind.EDIT
    assert change.fields["opening_hours"] == {"before": "Mo-Fr 09:00-12:00", "after": fablab.opening_hours}
    assert set(change.fields) == {"opening_hours", "date_maj", "verified", "verified_by", "equipment"}


def test_saving_the_form_confirms_the_equipment_listed(client, fablab, manager):
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert not Equipment.objects.get(place=fablab).verified
    client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), _form_data(client, fablab))
    assert Equipment.objects.get(place=fablab).verified


def test_a_manager_adds_a_machine_and_an_itinerant_stop(client, fablab, manager):
    client.login(username="camille@fablab.example", password=PASSWORD)
    data = _form_data(client, fablab)
    data.update(
        {
            "equipement-1-kind": str(term("equipment", "laser_cutter").pk),
            "equipement-1-quantity": "2",
            "is_itinerant": "on",
            "etapes-0-commune_name": "chateau chinon",
            "etapes-0-schedule": "We[1] 14:00-18:00",
            "etapes-0-position": "0",
        }
    )
    response = client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    assert sorted(fablab.equipment.values_list("kind__code", "quantity")) == [("3d_printer", 1), ("laser_cutter", 2)]
    stop = fablab.stops.get()
    assert (stop.commune.code, stop.schedule) == ("58062", "We[1] 14:00-18:00")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opening_hours_d0_am_end": "08:00"}, "Lundi matin : la fermeture doit suivre l'ouverture."),
        ({"opening_hours_d3_pm_start": "14:00"}, "Jeudi après-midi : indiquez l'ouverture et la fermeture."),
        ({"opening_hours_osm": "Mo 25:00-26:00"}, "Horaires illisibles"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide."),
        ({"etapes-0-commune_name": "Trifouillis-les-Oies", "etapes-0-position": "0"}, "Commune introuvable"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(client, fablab, manager, changes, message):
    client.login(username="camille@fablab.example", password=PASSWORD)
    data = _form_data(client, fablab)
    data.update(changes)
    response = client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    fablab.refresh_from_db()
    assert fablab.opening_hours == "Mo-Fr 09:00-12:00" and not fablab.verified
    assert not PlaceChange.objects.exists()


def test_tout_est_a_jour_confirms_the_record(client, fablab, manager):
    client.login(username="camille@fablab.example", password=PASSWORD)
    response = client.post(reverse("directory:confirm_place", kwargs={"pk": fablab.pk}))
    assert response.status_code == 302
    fablab.refresh_from_db()
    assert fablab.date_maj == dt.date.today() and fablab.verified
    assert PlaceChange.objects.get(place=fablab).kind == ChangeKind.CONFIRM
    page = client.get(fablab.get_absolute_url()).content.decode()
    assert "Informations vérifiées le" in page and "À vérifier" not in page


# Server-side permissions: each denial.


def test_a_manager_cannot_edit_a_place_they_do_not_manage(client, fablab, manager):
    other = make_place(name="Médiathèque de Nevers")
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert client.get(reverse("directory:edit_place", kwargs={"pk": other.pk})).status_code == 403
    assert (
        client.post(reverse("directory:edit_place", kwargs={"pk": other.pk}), {"status": "closed"}).status_code == 403
    )
    assert client.post(reverse("directory:confirm_place", kwargs={"pk": other.pk})).status_code == 403
    other.refresh_from_db()
    assert other.status == "open" and not other.verified


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER, None])
def test_mediators_partners_and_plain_accounts_edit_nothing(client, fablab, role):
    make_user("autre@example.org", role=role)
    client.login(username="autre@example.org", password=PASSWORD)
    assert client.get(reverse("directory:edit_place", kwargs={"pk": fablab.pk})).status_code == 403
    assert (
        client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), {"status": "closed"}).status_code == 403
    )
    assert client.post(reverse("directory:confirm_place", kwargs={"pk": fablab.pk})).status_code == 403
    fablab.refresh_from_db()
    assert fablab.status == "open" and not fablab.verified


def test_a_manager_role_without_the_place_is_not_enough(client, fablab):
    make_user("gestion@ailleurs.example", role=Role.PLACE_MANAGER)
    client.login(username="gestion@ailleurs.example", password=PASSWORD)
    assert client.get(reverse("directory:edit_place", kwargs={"pk": fablab.pk})).status_code == 403


def test_anonymous_visitors_write_nothing(client, fablab):
    for url in [
        reverse("directory:edit_place", kwargs={"pk": fablab.pk}),
        reverse("directory:confirm_place", kwargs={"pk": fablab.pk}),
    ]:
        response = client.post(url, {"status": "closed"})
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    fablab.refresh_from_db()
    assert fablab.status == "open" and not fablab.verified


def test_coordinators_edit_any_place(client, fablab):
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    data = _form_data(client, fablab)
    data["status"] = "temporarily_closed"
    assert client.post(reverse("directory:edit_place", kwargs={"pk": fablab.pk}), data).status_code == 302
    fablab.refresh_from_db()
    assert fablab.status == "temporarily_closed" and fablab.status_date == dt.date.today()


def test_tout_est_a_jour_first_shows_the_record_and_changes_nothing(client, fablab, manager):
    client.login(username="camille@fablab.example", password=PASSWORD)
    response = client.get(reverse("directory:confirm_place", kwargs={"pk": fablab.pk}))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Voici ce que la fiche dit aujourd'hui" in page
    assert "Imprimante 3D × 1" in page and "Du lundi au vendredi" in page
    assert not PlaceChange.objects.filter(place=fablab).exists()
    fablab.refresh_from_db()
    assert fablab.date_maj == dt.date(2021, 3, 5)


def test_the_place_page_offers_editing_only_to_those_who_may(client, fablab, manager):
    edit_url = reverse("directory:edit_place", kwargs={"pk": fablab.pk})
    assert edit_url not in client.get(fablab.get_absolute_url()).content.decode()
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert edit_url in client.get(fablab.get_absolute_url()).content.decode()
