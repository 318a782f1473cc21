"""Alerts: double opt-in, a weekly digest (frozen time), one-click unsubscribe, and vocabulary changes."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from funding import alerts, vocabularies
from funding.models import Alert, AlertDigest, AlertStatus, FundingTerm
from tests.funding.factories import LUZY, coordinator, make_scheme

pytestmark = pytest.mark.django_db
PARIS = dt.timezone(dt.timedelta(hours=1))


def text(response) -> str:
    return html.unescape(response.content.decode())


def _create(client, query: str = f"commune={LUZY}&beneficiaire=association&theme=digital_fabrication") -> Alert:
    params = dict(pair.split("=") for pair in query.split("&"))
    response = client.post("/financements/alertes/nouvelle/", {**params, "email": "Fablab@Example.org"})
    assert response.status_code == 302 and response["Location"] == "/financements/alertes/envoyee/"
    return Alert.objects.get()


def _link(message) -> str:
    return re.search(r"http://[^\s]+/financements/alertes/confirmer/[^\s]+/", message.body).group(0)


def test_an_alert_is_pending_until_the_link_of_its_email_is_confirmed(client, django_capture_on_commit_callbacks):
    make_scheme(title="Équiper les fablabs", beneficiaries=("association",), themes=("digital_fabrication",))
    page = client.get(f"/financements/alertes/nouvelle/?commune={LUZY}&beneficiaire=association").content.decode()
    assert "Pour qui ? Associations" in page and "Projet à Luzy (58)" in page

    with django_capture_on_commit_callbacks(execute=True):
        alert = _create(client)

    assert alert.status == AlertStatus.PENDING and alert.email == "fablab@example.org"
    assert [term.code for term in alert.themes.all()] == ["digital_fabrication"]
    assert alert.commune.code == LUZY
    [message] = mail.outbox
    assert message.to == ["fablab@example.org"] and "Confirmez" in message.subject
    path = _link(message).removeprefix("http://127.0.0.1:8000")
    shown = client.get(path)
    assert shown.status_code == 200 and "Confirmer l'alerte" in text(shown)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING  # opening the link changes nothing: mail scanners open links
    confirmed = client.post(path)
    alert.refresh_from_db()
    assert "Alerte confirmée" in confirmed.content.decode() and alert.status == AlertStatus.ACTIVE


def test_bad_input_on_the_alert_form_gets_a_french_message_and_creates_nothing(client):
    response = client.post(
        "/financements/alertes/nouvelle/", {"beneficiaire": "association", "email": "pas-une-adresse"}
    )
    assert response.status_code == 400
    assert "Cette adresse électronique n'est pas valide" in text(response)
    response = client.post("/financements/alertes/nouvelle/", {"montant": "abc", "email": "a@example.org"})
    assert response.status_code == 400 and "Le montant doit être un nombre" in response.content.decode()
    assert client.get("/financements/alertes/confirmer/abimé/").status_code == 400
    assert not Alert.objects.exists()


def _active(**filters: object) -> Alert:
    alert = Alert.objects.create(email="asso@example.org", status=AlertStatus.ACTIVE, **filters)
    alert.confirmed_at = alert.created_at
    alert.save()
    return alert


def test_the_weekly_digest_lists_new_schemes_and_deadlines_across_the_year_end_with_frozen_time(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=PARIS), tick=False):
        make_scheme(title="Ancien appel", beneficiaries=("association",), closes_on=dt.date(2027, 1, 10))
        make_scheme(title="Aide permanente", beneficiaries=("association",), recurrence="ongoing")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=PARIS), tick=False):
        alert = _active()
        alert.beneficiaries.set([FundingTerm.objects.get(vocabulary="beneficiary", code="association")])
    with time_machine.travel(dt.datetime(2026, 12, 20, 8, tzinfo=PARIS), tick=False):
        make_scheme(title="Nouvel appel d'hiver", beneficiaries=("association",), window=((11, 15), (1, 15)))
        make_scheme(title="Pour les entreprises", beneficiaries=("professional",))
        with django_capture_on_commit_callbacks(execute=True):
            report = alerts.send_digests()
        assert report.sent == 1
        [message] = mail.outbox
        body = message.body
        digest = AlertDigest.objects.get()
        unsubscribe = alerts.unsubscribe_url(alert)
    # New since the alert: the winter call; closing within 30 days of 20 December: the one-off call of 10 January,
    # after the year end (the winter window's 15 January is listed with the new scheme).
    assert "Nouveaux dispositifs :\n- Nouvel appel d'hiver (clôture le 15 janvier 2027)" in body
    assert "Pour les entreprises" not in body and "Aide permanente" not in body
    assert "Dates limites dans les 30 jours :\n- 10 janvier 2027 : Ancien appel" in body
    assert message.subject == "[aiguillage] 1 nouveau financement, 1 date limite dans les 30 jours"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(digest.new_schemes) == 1 and len(digest.closing_schemes) == 1

    with time_machine.travel(dt.datetime(2026, 12, 24, 8, tzinfo=PARIS), tick=False):
        assert alerts.send_digests().not_due == 1
    with time_machine.travel(dt.datetime(2026, 12, 28, 8, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            again = alerts.send_digests()
    # A week later: nothing new (the winter call was in the last letter), and both deadlines within 30 days.
    assert again.sent == 1
    second = mail.outbox[1].body
    assert "Nouveaux dispositifs" not in second
    assert "- 10 janvier 2027 : Ancien appel\n" in second and "- 15 janvier 2027 : Nouvel appel d'hiver\n" in second


def test_no_letter_when_there_is_nothing_to_say(django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=PARIS), tick=False):
        _active()
    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_funding_digests", stdout=io.StringIO())
    assert mail.outbox == [] and not AlertDigest.objects.exists()


def test_one_click_unsubscribe_works_without_a_cookie_and_the_page_asks_first(client):
    alert = _active()
    path = f"/financements/alertes/{alert.token}/desabonner/"

    assert client.get(path).status_code == 200
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    alert.refresh_from_db()
    assert response.status_code == 200 and alert.status == AlertStatus.UNSUBSCRIBED
    assert client.get("/financements/alertes/inconnu/desabonner/").status_code == 404


def test_a_renamed_code_follows_and_old_links_keep_working(client):
    make_scheme(title="Équiper les fablabs", themes=("digital_fabrication",))
    alert = _active()
    term = FundingTerm.objects.get(vocabulary="theme", code="digital_fabrication")
    alert.themes.set([term])

    vocabularies.rename_term(term=term, actor=coordinator(), code="fabrication")

    assert "theme=fabrication" in alerts.search_url(alert)
    assert "Équiper les fablabs" in client.get("/financements/?theme=digital_fabrication").content.decode()
    assert "Équiper les fablabs" in client.get("/financements/?theme=fabrication").content.decode()
    assert vocabularies.sync_vocabularies() == 0


def test_a_retired_code_moves_to_its_replacement_or_is_reported_to_the_owner(
    client, django_capture_on_commit_callbacks
):
    actor = coordinator()
    scheme = make_scheme(title="Tiers-lieux", themes=("third_places",))
    moved, removed = _active(), _active()
    third_places = FundingTerm.objects.get(vocabulary="theme", code="third_places")
    youth = FundingTerm.objects.get(vocabulary="theme", code="youth")
    moved.themes.set([third_places])
    removed.themes.set([youth])
    fabrication = FundingTerm.objects.get(vocabulary="theme", code="digital_fabrication")

    vocabularies.retire_term(term=third_places, actor=actor, replacement=fabrication)
    with django_capture_on_commit_callbacks(execute=True):
        told = vocabularies.retire_term(term=youth, actor=actor)

    assert [term.code for term in moved.themes.all()] == ["digital_fabrication"]
    assert [term.code for term in scheme.themes.all()] == ["digital_fabrication"]
    assert scheme.changes.first().kind == "vocabulary"
    assert told == [removed] and not removed.themes.exists()
    [message] = mail.outbox
    assert message.to == ["asso@example.org"] and "n'existe plus" in message.subject
    page = text(client.get(f"/financements/alertes/{removed.token}/"))
    assert "Le critère « Jeunesse, code et robotique » n'existe plus" in page
    assert "Tiers-lieux" in client.get("/financements/?theme=third_places").content.decode()
    with pytest.raises(vocabularies.VocabularyError):
        vocabularies.retire_term(term=youth, actor=actor)
    assert timezone.now()


def test_coordinators_change_a_vocabulary_through_the_command_and_others_cannot():
    actor = coordinator()
    out = io.StringIO()

    call_command(
        "funding_vocabulary",
        "rename",
        "theme",
        "youth",
        "--new-code",
        "young_people",
        "--actor",
        actor.email,
        stdout=out,
    )

    assert "anciens codes : youth" in out.getvalue()
    assert FundingTerm.objects.filter(vocabulary="theme", code="young_people").exists()
    with pytest.raises(CommandError, match="Seul un coordinateur"):
        call_command("funding_vocabulary", "retire", "theme", "young_people", "--actor", "personne@example.org")
    call_command("funding_vocabulary", "retire", "theme", "young_people", "--actor", actor.email, stdout=out)
    assert not FundingTerm.objects.get(code="young_people").active
