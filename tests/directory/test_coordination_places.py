"""Coordinators add and close places in the application; the place's form in French; provenance part by part."""

import csv
import dataclasses
import datetime as dt
import html
import io
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from demandes import transitions
from demandes.models import EventKind, OrientationStatus, Status
from directory import history, provenance
from directory.importers.records import SourcedPlace
from directory.importers.writer import import_records
from directory.models import ChangeKind, Place, PlaceChange, PlaceStatus
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place, term


@pytest.fixture
def coordinator(db):
    return make_coordinator()


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.content.decode())


def _plain(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


NEW_PLACE = {
    "name": "Atelier numérique de Decize",
    "summary": "Aide aux démarches en ligne.",
    "address": "1 place du Champ de Foire",
    "postcode": "58300",
    "commune_name": "Decize",
    "status": "open",
    "opening_hours_d0_am_start": "09:00",
    "opening_hours_d0_am_end": "12:00",
    "phone": "03 86 25 00 00",
    "equipement-TOTAL_FORMS": "1",
    "equipement-INITIAL_FORMS": "0",
    "equipement-0-quantity": "1",
    "etapes-TOTAL_FORMS": "0",
    "etapes-INITIAL_FORMS": "0",
}


def test_a_coordinator_creates_a_place_with_the_managers_form(client, coordinator):
    client.login(username="coordination@example.org", password=PASSWORD)
    url = reverse("directory:new_place")
    page = _text(client.get(url))
    assert "Ajouter un lieu" in page and "Accessibilité et accueil adapté" in page
    data = {**NEW_PLACE, "services": [str(term("service", "admin_procedures").pk)], "acces_deaf": "no"}
    response = client.post(url, data)
    assert response.status_code == 302, _text(response)[:3000]
    place = Place.objects.get(name="Atelier numérique de Decize")
    assert response["Location"] == place.get_absolute_url()
    assert place.commune.name == "Decize" and place.opening_hours == "Mo 09:00-12:00"
    assert place.source == "aiguillage" and place.verified and place.date_maj == dt.date.today()
    assert {part: entry["by"] for part, entry in place.field_provenance.items()}["phone"] == "coordination"
    assert [t.code for t in place.accessibility_no.all()] == ["deaf"]
    assert PlaceChange.objects.get(place=place).kind == ChangeKind.CREATE
    page = _text(client.get(place.get_absolute_url()))
    assert f"Vérifié par la coordination le {dt.date.today():%-d}" in _plain(page)
    # The national export keeps the true date: the day the coordination vouched for it.
    export = client.get(reverse("directory:export", kwargs={"slug": "lieux-mednum", "extension": "csv"}))
    rows = [row for row in csv.DictReader(io.StringIO(export.content.decode())) if row["nom"].startswith("Atelier")]
    assert [row["date_maj"] for row in rows] == [dt.date.today().isoformat()]


def test_creating_refuses_bad_input_and_other_people(client, coordinator):
    client.login(username="coordination@example.org", password=PASSWORD)
    response = client.post(reverse("directory:new_place"), {**NEW_PLACE, "commune_name": "Nullepart-sur-Rien"})
    assert response.status_code == 400 and "Commune introuvable" in _text(response)
    assert not Place.objects.filter(name="Atelier numérique de Decize").exists()
    client.logout()
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER)
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert client.get(reverse("directory:new_place")).status_code == 403


def test_closing_asks_a_reason_and_a_date_and_sends_open_orientations_back_to_the_queue(client, coordinator):
    place = make_place(name="Fablab de Luzy", commune="58149", email="fablab@luzy.example")
    other = make_place(name="Atelier de Nevers", commune="58194", email="atelier@nevers.example")
    waiting = make_request().request
    transitions.orient(request=waiting, actor=coordinator, places=[place])
    taken = make_request("Apprendre la découpe laser").request
    (orientation,) = transitions.orient(request=taken, actor=coordinator, places=[place])
    transitions.accept(orientation=orientation, actor=None)
    shared = make_request("Imprimer une pièce").request
    transitions.orient(request=shared, actor=coordinator, places=[place, other])

    client.login(username="coordination@example.org", password=PASSWORD)
    url = reverse("directory:close_place", kwargs={"pk": place.pk})
    page = _text(client.get(url))
    assert "3 demandes en cours envoyées à ce lieu reviendront dans la file" in page
    response = client.post(url, {"reason": "", "on": ""})
    assert response.status_code == 400
    assert "Indiquez pourquoi le lieu ferme." in _text(response) and "Indiquez la date de fermeture." in _text(response)
    place.refresh_from_db()
    assert place.status == PlaceStatus.OPEN

    response = client.post(url, {"reason": "L'association a cessé son activité.", "on": "2026-11-30"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.status, place.status_date, place.status_note) == (
        PlaceStatus.CLOSED,
        dt.date(2026, 11, 30),
        "L'association a cessé son activité.",
    )
    assert not place.orientations.active().exists()
    assert set(place.orientations.values_list("status", flat=True)) == {OrientationStatus.DECLINED}
    for request in (waiting, taken):
        request.refresh_from_db()
        assert request.status == Status.QUALIFIED
        assert request.events.filter(kind=EventKind.RETURNED, note__contains="a fermé").exists()
    shared.refresh_from_db()
    assert shared.status == Status.ORIENTED  # another place still holds it
    assert PlaceChange.objects.filter(place=place, kind=ChangeKind.CLOSE).exists()
    assert client.get(url).status_code == 302  # already closed


def test_the_managers_form_is_in_french_and_moves_the_address_with_the_commune_checked(client, db):
    place = make_place(name="Fablab de Luzy", commune="58149", address="1 rue Haute", opening_hours="Mo 09:00-12:00")
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(place,))
    client.login(username="camille@fablab.example", password=PASSWORD)
    url = reverse("directory:edit_place", kwargs={"pk": place.pk})
    page = _text(client.get(url))
    english_words = ("Accessibility", "Audiences", "Publics", "Opening hours", "Summary", "Website", "Phone", "Status")
    for english in (*english_words, "Name", "Email", "None"):
        assert english not in page, english
    assert "<legend>Qui peut venir</legend>" in page and "<legend>Ateliers pensés pour</legend>" in page
    assert "Lundi matin, ouverture" in page and "Horaires particuliers (format OpenStreetMap)" in page
    assert '<details class="expert-hours">' in page  # the OSM syntax is the expert option, closed
    form = client.get(url).context["form"]
    data = {key: value for key, value in _bound(form).items()}
    data.update({"etapes-TOTAL_FORMS": "0", "etapes-INITIAL_FORMS": "0"})
    data.update({"equipement-TOTAL_FORMS": "0", "equipement-INITIAL_FORMS": "0"})
    moved = {**data, "address": "4 avenue de la Gare", "postcode": "58000", "commune_name": "Decize"}
    response = client.post(url, moved)
    assert response.status_code == 400 and "Le code postal 58000 n'est pas celui de Decize" in _text(response)
    place.refresh_from_db()
    assert place.commune.name == "Luzy"
    response = client.post(url, {**moved, "postcode": "58300"})
    assert response.status_code == 302, _text(response)[:3000]
    place.refresh_from_db()
    decize = place.commune
    assert decize.name == "Decize" and place.address == "4 avenue de la Gare"
    assert (place.latitude, place.longitude, place.point_to_check) == (decize.latitude, decize.longitude, True)
    assert place.field_provenance["address"] == {"by": "place", "on": dt.date.today().isoformat()}


def _bound(form) -> dict:  # noqa: ANN001
    from django import forms

    data: dict = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix, item in zip(widget.widgets_names, widget.decompress(value), strict=True):
                if item not in (None, False, ""):
                    data[bound.html_name + suffix] = "on" if item is True else str(item)
        elif isinstance(value, list):
            data[bound.html_name] = [str(item) for item in value]
        elif value not in (None, False, ""):
            data[bound.html_name] = "on" if value is True else str(value)
    return data


def test_provenance_is_per_part_and_an_import_gives_a_changed_part_back_to_its_source(client, db):
    place = make_place(name="Médiathèque de Luzy", commune="58149", source="mednum-bfc", source_id="bfc-7", phone="")
    Place.objects.filter(pk=place.pk).update(date_maj=dt.date(2021, 3, 5))
    page = _text(client.get(place.get_absolute_url()))
    assert "D'où viennent ces informations" in page and "Déclaré par le lieu" not in page
    assert "Source MedNum BFC" in _plain(page)
    today = dt.date.today()
    place.refresh_from_db()
    place.field_provenance = provenance.mark({}, ["phone", "opening_hours"], by="place", on=today)
    place.save(update_fields=["field_provenance"])
    page = _text(client.get(place.get_absolute_url()))
    assert f"Déclaré par le lieu le {today:%-d}" in _plain(page) and ": horaires, téléphone." in page
    assert "Le reste : source MedNum BFC" in _plain(page)

    data = dataclasses.replace(history.place_data(place.pk), phone="03 86 00 00 01")
    report = import_records([SourcedPlace(row="1", data=data)], actor="import", dry_run=False)
    assert report.ok, report.errors
    place.refresh_from_db()
    assert place.phone == "03 86 00 00 01"
    assert set(place.field_provenance) == {"opening_hours"}  # the phone is the source's again
