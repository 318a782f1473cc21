import html

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from directory.models import ErrorReport, ReportStatus
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149")


def _report(client, place, ip="203.0.113.9", **data):
    payload = {"message": "Les horaires ont changé depuis septembre.", "contact": "", "site_web": "", **data}
    return client.post(reverse("directory:report_error", kwargs={"pk": place.pk}), payload, REMOTE_ADDR=ip)


def test_anyone_reports_an_error_without_an_account(client, fablab, django_capture_on_commit_callbacks):
    make_coordinator()
    assert "Signaler une erreur" in client.get(fablab.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(client, fablab, contact="habitant@example.org")
    assert response.status_code == 200 and "Merci" in response.content.decode()
    report = ErrorReport.objects.get()
    assert (report.place, report.status, report.contact) == (fablab, ReportStatus.OPEN, "habitant@example.org")
    assert mail.outbox[0].to == ["coordination@example.org"]
    assert "Les horaires ont changé" in mail.outbox[0].body


def test_a_robot_filling_the_honeypot_is_thanked_and_ignored(client, fablab):
    response = _report(client, fablab, site_web="http://spam.example")
    assert response.status_code == 200 and "Merci" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_too_short_a_message_is_refused_in_french(client, fablab):
    response = _report(client, fablab, message="faux")
    assert response.status_code == 400
    assert "Donnez un peu plus de détails" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, fablab, settings):
    settings.REPORT_THROTTLE_PER_IP = 2
    assert _report(client, fablab).status_code == 200
    assert _report(client, fablab).status_code == 200
    refused = _report(client, fablab)
    assert refused.status_code == 429
    assert "Réessayez dans une heure" in html.unescape(refused.content.decode())
    assert ErrorReport.objects.count() == 2
    assert _report(client, fablab, ip="198.51.100.4").status_code == 200


def test_an_unknown_place_cannot_be_reported(client, db):
    assert client.get(reverse("directory:report_error", kwargs={"pk": 999999})).status_code == 404


@pytest.fixture
def coordinator_client(client, db):
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    return client


def _moderate(client, report, action, response=""):
    return client.post(
        reverse("directory:moderate_report", kwargs={"pk": report.pk}), {"action": action, "response": response}
    )


def test_applying_a_report_tells_the_reporter(coordinator_client, fablab, django_capture_on_commit_callbacks):
    report = ErrorReport.objects.create(place=fablab, message="Le numéro a changé.", contact="habitant@example.org")
    assert "Le numéro a changé." in coordinator_client.get(reverse("directory:reports")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(coordinator_client, report, "apply", "Merci, c'est corrigé.")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPLIED and report.handled_by.email == "coordination@example.org"
    (message,) = mail.outbox
    assert message.to == ["habitant@example.org"] and "Merci, c'est corrigé." in message.body


def test_a_reporter_without_an_email_is_not_written_to(coordinator_client, fablab, django_capture_on_commit_callbacks):
    report = ErrorReport.objects.create(place=fablab, message="Le numéro a changé.", contact="06 12 34 56 78")
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(coordinator_client, report, "apply")
    assert mail.outbox == []


def test_rejecting_needs_a_reason(coordinator_client, fablab, django_capture_on_commit_callbacks):
    report = ErrorReport.objects.create(place=fablab, message="C'est fermé.", contact="habitant@example.org")
    page = coordinator_client.post(
        reverse("directory:moderate_report", kwargs={"pk": report.pk}), {"action": "reject"}, follow=True
    )
    assert "Expliquez pourquoi le signalement est rejeté." in html.unescape(page.content.decode())
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(coordinator_client, report, "reject", "Le lieu a rouvert en octobre.")
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    assert "Le lieu a rouvert en octobre." in mail.outbox[0].body


def test_forwarding_emails_the_place_managers(coordinator_client, fablab, django_capture_on_commit_callbacks):
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(fablab,))
    report = ErrorReport.objects.create(place=fablab, message="Nouvelle adresse : 2 rue du Four.")
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(coordinator_client, report, "forward", "Pouvez-vous vérifier ?")
    report.refresh_from_db()
    assert report.status == ReportStatus.FORWARDED
    (message,) = mail.outbox
    assert message.to == ["camille@fablab.example"]
    assert "2 rue du Four" in message.body and f"/espace/lieux/{fablab.pk}/modifier/" in message.body


def test_forwarding_a_place_without_manager_is_refused(coordinator_client, fablab):
    report = ErrorReport.objects.create(place=fablab, message="Nouvelle adresse.")
    page = _moderate(coordinator_client, report, "forward")
    assert page.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_a_report_is_handled_once(coordinator_client, fablab):
    report = ErrorReport.objects.create(place=fablab, message="Nouvelle adresse.")
    _moderate(coordinator_client, report, "apply")
    page = coordinator_client.post(
        reverse("directory:moderate_report", kwargs={"pk": report.pk}),
        {"action": "reject", "response": "non"},
        follow=True,
    )
    assert "Ce signalement a déjà été traité." in html.unescape(page.content.decode())
    report.refresh_from_db()
    assert report.status == ReportStatus.APPLIED


@pytest.mark.parametrize("role", [Role.PLACE_MANAGER, Role.MEDIATOR, Role.PARTNER])
def test_only_coordinators_moderate(client, fablab, role):
    make_user("personne@example.org", role=role)
    client.login(username="personne@example.org", password=PASSWORD)
    report = ErrorReport.objects.create(place=fablab, message="Nouvelle adresse.")
    assert client.get(reverse("directory:reports")).status_code == 403
    assert _moderate(client, report, "apply").status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_an_unknown_action_changes_nothing(coordinator_client, fablab):
    report = ErrorReport.objects.create(place=fablab, message="Nouvelle adresse.")
    _moderate(coordinator_client, report, "delete")
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN
