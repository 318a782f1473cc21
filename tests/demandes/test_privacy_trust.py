"""Anonymisation erases every personal field, health data included; the access log is kept apart and shown
to the person in their export."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from demandes import privacy
from demandes.models import ContactView, Request
from directory.models import Term
from tests.accounts.factories import make_coordinator
from tests.demandes.factories import make_request
from tests.factories import make_place


@pytest.fixture
def coordinator(db):
    make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",))
    return make_coordinator()


def test_anonymisation_erases_every_personal_field_and_the_accessibility_needs(coordinator):
    needs = list(Term.objects.filter(vocabulary="accessibility")[:2])
    situations = list(Term.objects.filter(vocabulary="situation")[:1])
    created = make_request(
        contact_name="Marie Curie",
        contact_email="marie@example.org",
        contact_phone="06 11 22 33 44",
        accessibility_needs=needs,
        situations=situations,
    ).request
    assert needs and created.accessibility_needs.count() == len(needs)
    privacy.anonymize(created, actor=coordinator, note="essai")
    row = Request.objects.get(pk=created.pk)
    assert (row.contact_name, row.contact_email, row.contact_phone, row.description) == ("", "", "", "[anonymisé]")
    assert not row.accessibility_needs.exists() and not row.situations.exists()
    assert all(not event.note for event in row.events.exclude(kind="anonymized"))


def test_the_access_log_survives_anonymisation_with_the_ip_and_has_its_own_retention(client, coordinator, settings):
    created = make_request(contact_email="marie@example.org").request
    client.force_login(coordinator)
    client.get(reverse("demandes:detail", kwargs={"reference": created.reference}), REMOTE_ADDR="198.51.100.7")
    view = ContactView.objects.get(request=created)
    assert view.ip == "198.51.100.7" and view.context == "coordination"
    privacy.anonymize(created, actor=coordinator, note="essai")
    assert ContactView.objects.filter(request=created).count() == 1

    settings.ACCESS_LOG_RETENTION_MONTHS = 12
    with time_machine.travel(view.viewed_at + dt.timedelta(days=300)):
        call_command("anonymize_requests", verbosity=0)
    assert ContactView.objects.count() == 1
    with time_machine.travel(view.viewed_at + dt.timedelta(days=400)):
        call_command("anonymize_requests", verbosity=0)
    assert not ContactView.objects.exists()


def test_a_persons_export_shows_who_saw_their_contact_details(client, coordinator):
    created = make_request(contact_email="marie@example.org").request
    client.force_login(coordinator)
    client.get(reverse("demandes:detail", kwargs={"reference": created.reference}), REMOTE_ADDR="198.51.100.7")
    exported = json.loads(client.get(reverse("demandes:export_person"), {"q": "marie@example.org"}).content)
    views = exported["demandes"][0]["consultations_des_coordonnees"]
    assert [view["depuis"] for view in views] == ["coordination", "export"]  # the export itself is a view
    assert views[0]["par"] == str(coordinator)
    assert "198.51.100.7" not in json.dumps(exported)  # the viewers' addresses are theirs, not the person's
