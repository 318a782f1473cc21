"""People who cannot use the site still get help: the help line everywhere, throttles that let a library's
shared computers through, the mediator spoken to as a helper, and a tracking page that says what comes next."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from demandes import transitions
from demandes.models import EventKind, OrientationStatus, Outcome, Request, Status
from legal import pages
from tests.accounts.factories import make_coordinator, make_user
from tests.demandes.factories import make_orientation, make_request
from tests.factories import make_place

FORM = {
    "description": "Je voudrais apprendre à envoyer des photos avec ma tablette",
    "commune": "Luzy",
    "audience": "individual",
    "contact_email": "habitant@example.org",
    "consent": "on",
    "site_web": "",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.fixture
def help_line(db):
    coordinator = make_coordinator()
    pages.save_help_line(phone="0386606060", hours="du lundi au vendredi, de 9 h à 17 h", actor=coordinator)
    return coordinator


def tracking(created) -> str:
    return reverse("demandes:track", kwargs={"reference": created.request.reference, "key": created.tracking_key})


# The help line


def test_the_help_line_is_in_every_footer_once_a_coordinator_sets_it(client, help_line):
    for name in ("directory:home", "demandes:new", "legal:privacy"):
        page = text(client.get(reverse(name)))
        assert "03 86 60 60 60" in page and 'href="tel:0386606060"' in page
        assert "du lundi au vendredi, de 9 h à 17 h" in page


def test_without_a_number_the_footer_offers_a_place_nearby_not_an_empty_call(client, db, settings):
    settings.HELP_LINE_PHONE = ""
    page = text(client.get(reverse("directory:home")))
    assert "Un lieu près de chez vous peut vous accompagner" in page
    assert "tel:" not in page.split('class="site-footer"')[1]


def test_the_settings_give_the_default_and_an_empty_field_brings_it_back(client, db, settings):
    settings.HELP_LINE_PHONE = "03 86 11 22 33"
    settings.HELP_LINE_HOURS = "en semaine"
    coordinator = make_coordinator()
    assert "03 86 11 22 33" in text(client.get(reverse("directory:home")))
    client.force_login(coordinator)
    url = reverse("legal:help_line")
    assert client.get(url).status_code == 200
    response = client.post(url, {"phone": "03 86 99 99 99", "hours": ""})
    assert response.status_code == 302
    page = text(client.get(reverse("directory:home")))
    assert "03 86 99 99 99" in page and "en semaine" in page
    client.post(url, {"phone": "", "hours": ""})
    assert "03 86 11 22 33" in text(client.get(reverse("directory:home")))


def test_a_wrong_number_gets_a_french_message_and_changes_nothing(client, help_line):
    client.force_login(help_line)
    response = client.post(reverse("legal:help_line"), {"phone": "=HYPERLINK(1)", "hours": "x"})
    assert response.status_code == 400
    assert "Ce numéro de téléphone n'est pas valide" in text(response)
    assert pages.help_line().phone == "03 86 60 60 60"


def test_only_coordinators_edit_the_help_line(client, db):
    url = reverse("legal:help_line")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("mediateur@example.org", role=Role.MEDIATOR))
    assert client.get(url).status_code == 403
    assert client.delete(url).status_code == 405


# The public form's limits


def test_the_throttle_message_gives_the_number_to_call(client, help_line, settings):
    settings.REQUEST_THROTTLE_PER_SESSION = 1
    assert client.post(reverse("demandes:new"), FORM).status_code == 200
    response = client.post(reverse("demandes:new"), FORM)
    assert response.status_code == 429
    assert "appelez-nous au 03 86 60 60 60 (du lundi au vendredi, de 9 h à 17 h)" in text(response)
    assert Request.objects.count() == 1


def test_a_library_computer_shared_by_many_people_is_not_blocked_after_five(db, settings):
    """Each person uses a fresh browser session from the same address: the address's ceiling is far higher."""
    settings.REQUEST_THROTTLE_PER_SESSION = 5
    settings.REQUEST_THROTTLE_PER_IP = 12
    for person in range(12):
        response = Client().post(reverse("demandes:new"), {**FORM, "contact_email": f"p{person}@example.org"})
        assert response.status_code == 200, person
    assert Client().post(reverse("demandes:new"), FORM).status_code == 429
    assert Request.objects.count() == 12


def test_one_browser_session_is_limited_well_below_the_address(client, db, settings):
    settings.REQUEST_THROTTLE_PER_SESSION = 3
    settings.REQUEST_THROTTLE_PER_IP = 100
    for _ in range(3):
        assert client.post(reverse("demandes:new"), FORM).status_code == 200
    assert client.post(reverse("demandes:new"), FORM).status_code == 429
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.REQUEST_THROTTLE_WINDOW + 1)):
        assert client.post(reverse("demandes:new"), FORM).status_code == 200
    assert Request.objects.count() == 4


def test_a_submission_writes_no_session_row(client, db):
    """The browser's count is a signed cookie: a submission's only writes are the request's own."""
    assert client.post(reverse("demandes:new"), FORM).status_code == 200
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies and "demandes_envois" in client.cookies


def test_a_signed_in_mediator_records_without_limit(client, db, settings):
    settings.REQUEST_THROTTLE_PER_SESSION = 1
    settings.REQUEST_THROTTLE_PER_IP = 1
    client.force_login(make_user("mediateur@example.org", role=Role.MEDIATOR))
    for _ in range(4):
        assert client.post(reverse("demandes:new"), FORM).status_code == 200
    assert Request.objects.count() == 4


def test_the_honeypot_still_keeps_robots_out(client, db):
    response = client.post(reverse("demandes:new"), {**FORM, "site_web": "http://spam.example"})
    assert response.status_code == 200 and not Request.objects.exists()


# The mediator is spoken to as a helper


def test_the_mediator_form_speaks_of_the_person(client, db):
    client.force_login(make_user("mediateur@example.org", role=Role.MEDIATOR))
    page = text(client.get(reverse("demandes:mediator_new")))
    assert "De quoi la personne a-t-elle besoin ?" in page
    assert "Comment joindre la personne" in page and "Son courriel" in page
    assert "De quoi avez-vous besoin ?" not in page and "Votre commune" not in page
    response = client.post(reverse("demandes:mediator_new"), {**FORM, "contact_email": ""})
    assert response.status_code == 400
    assert "Notez un courriel ou un téléphone de la personne" in text(response)


def test_the_mediator_confirmation_hands_the_link_over(client, db, help_line):
    client.force_login(make_user("mediateur@example.org", role=Role.MEDIATOR))
    data = {**FORM, "contact_email": "", "contact_phone": "06 12 34 56 78"}
    page = text(client.post(reverse("demandes:mediator_new"), data))
    req = Request.objects.get()
    assert "Remettez le lien de suivi à la personne" in page
    assert "ne le partagez pas" not in page and "ne partagez pas" not in page
    sms = re.search(r'<textarea id="sms-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert req.reference in sms and "http://" in sms and "/suivi/" + req.reference + "/" in sms
    assert "03 86 60 60 60" in sms
    # The link in the SMS is a working tracking link.
    path = "/suivi/" + sms.split("/suivi/")[1].split()[0]
    assert Client().get(path).status_code == 200


def test_someone_who_left_only_a_phone_is_told_to_note_the_reference(client, db):
    page = text(client.post(reverse("demandes:new"), {**FORM, "contact_email": "", "contact_phone": "0612345678"}))
    reference = Request.objects.get().reference
    assert "Notez ce numéro" in page
    assert f'Notez le numéro <strong id="reference-to-note">{reference}</strong>' in page
    assert 'data-copy="reference-to-note"' in page and "data-print" in page and "js/handover.js" in page
    with_email = text(Client().post(reverse("demandes:new"), FORM))
    assert "Notez ce numéro" not in with_email


# The tracking page


def test_the_tracking_page_recalls_the_request_says_what_next_and_by_when(client, db, settings, help_line):
    settings.REQUEST_ANSWER_DAYS = 5
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)):
        created = make_request("Apprendre à envoyer des photos par courriel")
        page = words(client.get(tracking(created)))
    assert "Apprendre à envoyer des photos par courriel" in page
    assert "La coordination lit votre demande" in page and "d'ici le dimanche 6 décembre" in page
    assert "03 86 60 60 60" in page and created.request.reference in page
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC)):
        late = words(client.get(tracking(created)))
    assert "Cela prend plus de temps que prévu" in late


def test_the_tracking_page_gives_the_place_answer_date_once_sent(client, db):
    created = make_request()
    place = make_place(name="Fablab de Luzy", commune="58149")
    orientation = make_orientation(created.request, place, days=8)
    created.request.status = Status.ORIENTED
    created.request.save()
    page = text(client.get(tracking(created)))
    assert "Le lieu dit s'il peut vous aider" in page
    assert f"{orientation.expires_at:%-d}" in page


def test_the_person_adds_a_detail_and_coordinators_see_it(client, db, django_capture_on_commit_callbacks):
    coordinator = make_coordinator()
    created = make_request()
    mail.outbox.clear()
    url = reverse(
        "demandes:track_add_detail", kwargs={"reference": created.request.reference, "key": created.tracking_key}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"detail": "Je suis disponible le mardi matin."})
    assert response.status_code == 302 and response["Location"] == tracking(created)
    event = created.request.events.get(kind=EventKind.REQUESTER_DETAIL)
    assert event.note == "Je suis disponible le mardi matin." and event.actor is None
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "Je suis disponible le mardi matin." in mail.outbox[0].body
    assert "Je suis disponible le mardi matin." in text(client.get(tracking(created)))
    client.force_login(coordinator)
    detail = text(client.get(reverse("demandes:detail", kwargs={"reference": created.request.reference})))
    assert "Précision de la personne" in detail and "Je suis disponible le mardi matin." in detail


def test_an_empty_detail_or_a_wrong_key_changes_nothing(client, db):
    created = make_request()
    reference = created.request.reference
    url = reverse("demandes:track_add_detail", kwargs={"reference": reference, "key": created.tracking_key})
    response = client.post(url, {"detail": " "})
    assert response.status_code == 400 and "Écrivez la précision à ajouter." in text(response)
    wrong = reverse("demandes:track_add_detail", kwargs={"reference": reference, "key": "x" + created.tracking_key})
    assert client.post(wrong, {"detail": "Bonjour à tous"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not created.request.events.filter(kind=EventKind.REQUESTER_DETAIL).exists()


def test_the_person_cancels_and_the_place_holding_it_is_told(client, db, django_capture_on_commit_callbacks):
    coordinator = make_coordinator()
    place = make_place(name="Fablab de Luzy", commune="58149", email="fablab@luzy.example")
    created = make_request()
    transitions.orient(request=created.request, actor=coordinator, places=[place])
    mail.outbox.clear()
    url = reverse("demandes:track_cancel", kwargs={"reference": created.request.reference, "key": created.tracking_key})
    refused = client.post(url, {"reason": "J'ai trouvé"})
    assert refused.status_code == 400 and "Cochez la case pour confirmer" in text(refused)
    assert Request.objects.get().status == Status.ORIENTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on", "reason": "Mon petit-fils m'a aidé."})
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.status == Status.CLOSED and req.outcome == Outcome.ABANDONED
    assert req.orientations.get().status == OrientationStatus.EXPIRED
    closing = req.events.get(kind=EventKind.CLOSED)
    assert closing.actor_label == transitions.REQUESTER and "Mon petit-fils m'a aidé." in closing.note
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(["coordination@example.org", "fablab@luzy.example", "demandeur@example.org"])
    page = text(client.get(tracking(created)))
    assert "Votre demande est annulée." in page and "Annuler ma demande" not in page
    assert client.post(url, {"confirm": "on"}).status_code == 400  # already closed: nothing more happens


def test_every_refusal_for_too_many_tries_gives_the_number(client, help_line, settings):
    settings.REQUEST_DETAIL_THROTTLE = 1
    settings.LOST_LINK_THROTTLE_PER_CONTACT = 0
    created = make_request()
    url = reverse(
        "demandes:track_add_detail", kwargs={"reference": created.request.reference, "key": created.tracking_key}
    )
    assert client.post(url, {"detail": "Une première précision"}).status_code == 302
    refused = client.post(url, {"detail": "Une deuxième précision"})
    assert refused.status_code == 429 and "appelez-nous au 03 86 60 60 60" in text(refused)
    lost = client.post(reverse("demandes:lost_link"), {"contact": "demandeur@example.org", "site_web": ""})
    assert lost.status_code == 429 and "appelez-nous au 03 86 60 60 60" in text(lost)


def test_the_acknowledgement_email_gives_the_help_line(client, help_line, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("demandes:new"), FORM).status_code == 200
    (received,) = [message for message in mail.outbox if message.to == ["habitant@example.org"]]
    assert "Appelez le 03 86 60 60 60 (du lundi au vendredi, de 9 h à 17 h)" in received.body
    assert "ajouter une précision ou l'annuler" in received.body
