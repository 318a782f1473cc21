import datetime as dt
import html
import json

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from demandes import links, transitions
from demandes.models import Channel, ContactView, Orientation, OrientationStatus, Request, Status
from directory.models import Term
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), phone="03 86 00 00 00")


FORM = {
    "description": "Je voudrais imprimer une pièce en 3D pour mon vélo",
    "commune": "Luzy",
    "audience": "individual",
    "contact_email": "Habitant@Example.org",
    "consent": "on",
    "site_web": "",
}


def test_someone_sends_a_request_and_follows_it(client, fablab, django_capture_on_commit_callbacks):
    make_coordinator()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demandes:new"), FORM)
    assert response.status_code == 200
    request_ = Request.objects.get()
    assert request_.reference.startswith("58-") and len(request_.reference) == len("58-2026-00001")
    assert request_.channel == Channel.WEB and request_.contact_email == "habitant@example.org"
    page = text(response)
    assert request_.reference in page
    tracking = response.context["tracking_url"]
    assert "Nous avons bien reçu votre demande" in text(client.get(tracking))
    to_requester = [m for m in mail.outbox if m.to == ["habitant@example.org"]]
    assert to_requester and tracking in to_requester[0].body
    assert any(m.to == ["coordination@example.org"] for m in mail.outbox)


def test_references_follow_each_other(db):
    first = make_request().request.reference
    second = make_request().request.reference
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": ""}, "Décrivez votre besoin en quelques mots."),
        ({"commune": "Trifouillis"}, "Nous ne trouvons pas la commune « Trifouillis »"),
        ({"contact_email": ""}, "Laissez un courriel ou un téléphone"),
        ({"contact_email": "pas-un-courriel"}, "Cette adresse électronique n'est pas valide."),
        ({"consent": ""}, "Sans votre accord, nous ne pouvons pas vous recontacter."),
        ({"quantity": "0"}, "Indiquez au moins 1."),
        ({"audience": "martien"}, "Choisissez dans la liste."),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(client, db, changes, message):
    response = client.post(reverse("demandes:new"), {**FORM, **changes})
    assert response.status_code == 400
    assert message in text(response)
    assert not Request.objects.exists()


def test_the_ticked_situations_and_accessibility_needs_are_recorded_with_the_request(client, fablab):
    situation = Term.objects.filter(vocabulary="situation").order_by("pk").first()
    access = Term.objects.filter(vocabulary="accessibility").order_by("pk").first()
    answers = {**FORM, "situations": [situation.pk], "accessibility_needs": [access.pk]}
    assert client.post(reverse("demandes:new"), answers).status_code == 200
    recorded = Request.objects.get()
    assert list(recorded.situations.all()) == [situation]
    assert list(recorded.accessibility_needs.all()) == [access]
    # None ticked: the request is recorded without any.
    assert client.post(reverse("demandes:new"), FORM).status_code == 200
    other = Request.objects.exclude(pk=recorded.pk).get()
    assert not other.situations.exists() and not other.accessibility_needs.exists()


def test_an_unknown_ticked_term_gets_a_french_message_and_changes_nothing(client, fablab):
    response = client.post(reverse("demandes:new"), {**FORM, "situations": ["999999"]})
    assert response.status_code == 400
    assert "Ce choix n'existe pas dans la liste." in text(response)
    assert not Request.objects.exists()


def test_a_robot_filling_the_honeypot_creates_nothing(client, db):
    response = client.post(reverse("demandes:new"), {**FORM, "site_web": "spam"})
    assert response.status_code == 200 and not Request.objects.exists()


def test_requests_are_rate_limited_per_address(client, db, settings):
    settings.REQUEST_THROTTLE_PER_IP = 2
    for _ in range(2):
        assert client.post(reverse("demandes:new"), FORM).status_code == 200
    assert client.post(reverse("demandes:new"), FORM).status_code == 429
    assert Request.objects.count() == 2


def test_the_tracking_page_needs_the_right_key(client, db):
    created = make_request()
    good = reverse("demandes:track", kwargs={"reference": created.request.reference, "key": created.tracking_key})
    assert client.get(good).status_code == 200
    bad = reverse(
        "demandes:track",
        kwargs={
            "reference": created.request.reference,
            "key": ("y" if created.tracking_key[0] == "x" else "x") + created.tracking_key[1:],
        },
    )
    assert client.get(bad).status_code == 404
    assert client.get(reverse("demandes:track", kwargs={"reference": "58-1999-00001", "key": "x"})).status_code == 404


def test_the_tracking_page_says_which_place_helps_and_how_to_reach_it(client, fablab):
    fablab.email = "contact@fablab-luzy.example"
    fablab.save()
    created = make_request()
    coordinator = make_coordinator()
    (orientation,) = transitions.orient(request=created.request, actor=coordinator, places=[fablab])
    url = reverse("demandes:track", kwargs={"reference": created.request.reference, "key": created.tracking_key})
    assert "transmise à un lieu" in text(client.get(url))
    transitions.accept(orientation=orientation, actor=None)
    page = text(client.get(url))
    assert "Fablab de Luzy va vous aider." in page and "tel:0386000000" in page


# Places answer through a signed link, without an account.


def _orient(fablab):
    created = make_request()
    (orientation,) = transitions.orient(request=created.request, actor=make_coordinator(), places=[fablab])
    return orientation


def test_a_place_accepts_through_its_link_and_then_sees_the_contact(client, fablab):
    orientation = _orient(fablab)
    url = reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})
    before = text(client.get(url))
    assert "imprimer une pièce en 3D" in before and "demandeur@example.org" not in before
    assert client.post(url, {"action": "accept", "note": "Venez mardi."}).status_code == 302
    after = text(client.get(url))
    assert "demandeur@example.org" in after
    view = ContactView.objects.get()
    assert view.viewer is None and view.viewer_label == "Fablab de Luzy" and view.context == "lien du lieu"
    assert Orientation.objects.get().status == OrientationStatus.ACCEPTED


def test_a_place_declines_with_a_reason(client, fablab):
    orientation = _orient(fablab)
    url = reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})
    refused = client.post(url, {"action": "decline"})
    assert refused.status_code == 400 and "Choisissez le motif du refus." in text(refused)
    from demandes.models import Reason

    reason = Reason.objects.get(kind="decline", code="no_equipment")
    assert client.post(url, {"action": "decline", "reason": reason.pk}).status_code == 302
    orientation.refresh_from_db()
    assert orientation.status == OrientationStatus.DECLINED and orientation.decline_reason == reason
    assert Request.objects.get().status == Status.QUALIFIED


def test_an_orientation_link_expires_after_eight_days(client, fablab, settings):
    settings.ORIENTATION_LINK_DAYS = 8
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        orientation = _orient(fablab)
        token = links.orientation_token(orientation)
    with time_machine.travel(start + dt.timedelta(days=8, minutes=1), tick=False):
        response = client.post(reverse("demandes:answer", kwargs={"token": token}), {"action": "accept"})
        assert response.status_code == 400 and "Ce lien a expiré" in text(response)
    orientation.refresh_from_db()
    assert orientation.status == OrientationStatus.SENT


def test_a_tampered_orientation_link_is_refused(client, fablab):
    orientation = _orient(fablab)
    token = links.orientation_token(orientation)
    for bad in [token[:-4] + "abcd", "n-importe-quoi", token.replace(token.split(":")[0], "eyJvIjo5OTl9")]:
        response = client.post(reverse("demandes:answer", kwargs={"token": bad}), {"action": "accept"})
        assert response.status_code == 400 and "n'est pas valide" in text(response)
    orientation.refresh_from_db()
    assert orientation.status == OrientationStatus.SENT


def test_a_manager_answers_through_their_account(client, fablab):
    orientation = _orient(fablab)
    make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(fablab,))
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert orientation.request.reference in text(client.get(reverse("demandes:my_orientations")))
    url = reverse("demandes:answer_with_account", kwargs={"pk": orientation.pk})
    assert not ContactView.objects.exists()
    page = client.post(url, {"action": "accept"}, follow=True)
    assert "demandeur@example.org" in text(page)
    assert ContactView.objects.get().viewer.email == "camille@fablab.example"


def test_another_place_manager_cannot_see_the_orientation(client, fablab):
    orientation = _orient(fablab)
    other = make_place(name="Autre lieu")
    make_user("autre@lieu.example", role=Role.PLACE_MANAGER, places=(other,))
    client.login(username="autre@lieu.example", password=PASSWORD)
    url = reverse("demandes:answer_with_account", kwargs={"pk": orientation.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "accept"}).status_code == 403
    assert not ContactView.objects.exists()


# Who sees contact details.


@pytest.mark.parametrize("role", [Role.PLACE_MANAGER, Role.PARTNER, Role.MEDIATOR])
def test_only_coordinators_reach_the_queue_and_request_pages(client, db, role):
    request_ = make_request().request
    make_user("personne@example.org", role=role)
    client.login(username="personne@example.org", password=PASSWORD)
    assert client.get(reverse("demandes:queue")).status_code == 403
    assert client.get(reverse("demandes:detail", kwargs={"reference": request_.reference})).status_code == 403
    assert client.get(reverse("demandes:mediator_detail", kwargs={"reference": request_.reference})).status_code == 403
    assert not ContactView.objects.exists()


def test_a_coordinators_view_of_the_contact_is_logged(client, fablab):
    request_ = make_request().request
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    page = text(client.get(reverse("demandes:detail", kwargs={"reference": request_.reference})))
    assert "demandeur@example.org" in page
    assert "Fablab de Luzy" in page  # suggested
    view = ContactView.objects.get()
    assert (view.viewer.email, view.context) == ("coordination@example.org", "coordination")


def test_a_mediator_records_a_request_and_sees_only_their_own(client, fablab):
    make_user("mediatrice@example.org", role=Role.MEDIATOR, full_name="Dominique")
    client.login(username="mediatrice@example.org", password=PASSWORD)
    response = client.post(
        reverse("demandes:mediator_new"),
        {**FORM, "contact_email": "", "contact_phone": "06 12 34 56 78", "note": "Appel"},
    )
    assert response.status_code == 200
    mine = Request.objects.get()
    assert (mine.channel, mine.recorded_by.email) == (Channel.MEDIATOR, "mediatrice@example.org")
    assert "06 12 34 56 78" in text(
        client.get(reverse("demandes:mediator_detail", kwargs={"reference": mine.reference}))
    )
    # The Fablab has only a phone: the mediator sees that nothing has reached it yet.
    transitions.orient(request=mine, actor=make_coordinator(), places=[fablab])
    mediator_page = text(client.get(reverse("demandes:mediator_detail", kwargs={"reference": mine.reference})))
    assert "Fablab de Luzy (Luzy) — à transmettre par téléphone par la coordination" in mediator_page
    someone_elses = make_request().request
    url = reverse("demandes:mediator_detail", kwargs={"reference": someone_elses.reference})
    assert client.get(url).status_code == 403


def test_the_queue_filters_by_status_need_epci_and_age(client, fablab):
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    fresh = make_request().request
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=40)):
        old = make_request("Bonjour, pouvez-vous me rappeler ?", commune="58194").request
    url = reverse("demandes:queue")

    def refs(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {req.reference for req in response.context["page"].object_list}

    assert refs() == {fresh.reference, old.reference}
    assert refs(statut="new") == {old.reference}
    assert refs(age="old") == {old.reference}
    assert refs(age="7") == {fresh.reference}
    luzy_epci = fresh.commune.epci.siren
    assert refs(epci=luzy_epci) == {fresh.reference}
    need_code = fresh.need_links.first().category.code
    assert refs(besoin=need_code) == {fresh.reference}
    assert client.get(url, {"statut": "martien"}).status_code == 400


def test_one_click_orientation_from_the_request_page(client, fablab):
    request_ = make_request().request
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    response = client.post(
        reverse("demandes:orient", kwargs={"reference": request_.reference}),
        {"places": [fablab.pk], "version": request_.version},
    )
    assert response.status_code == 302
    assert Orientation.objects.get().place == fablab


def test_a_stale_form_is_refused_with_a_french_message(client, fablab):
    request_ = make_request().request
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    stale = request_.version
    client.post(
        reverse("demandes:add_note", kwargs={"reference": request_.reference}), {"note": "Vu", "version": stale}
    )
    page = client.post(
        reverse("demandes:orient", kwargs={"reference": request_.reference}),
        {"places": [fablab.pk], "version": stale},
        follow=True,
    )
    assert "modifiée par quelqu'un d'autre" in text(page)
    assert not Orientation.objects.exists()


# Personal data.


def test_a_coordinator_exports_and_erases_one_persons_data(client, fablab):
    first = make_request(contact_email="marie@example.org").request
    second = make_request("Aide pour ma retraite en ligne", contact_email="", contact_phone="06 11 22 33 44").request
    other = make_request(contact_email="autre@example.org").request
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    assert {r.reference for r in client.get(reverse("demandes:person"), {"q": "0611223344"}).context["found"]} == {
        second.reference
    }
    exported = client.get(reverse("demandes:export_person"), {"q": "marie@example.org"})
    data = json.loads(exported.content)
    assert [item["reference"] for item in data["demandes"]] == [first.reference]
    assert data["demandes"][0]["courriel"] == "marie@example.org"

    refused = client.post(reverse("demandes:erase_person"), {"q": "marie@example.org"}, follow=True)
    assert "Cochez la case de confirmation" in text(refused)
    client.post(reverse("demandes:erase_person"), {"q": "marie@example.org", "confirm": "oui"})
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.contact_email == "" and first.description == "[anonymisé]" and first.anonymized_at
    assert other.contact_email == "autre@example.org"


def test_old_closed_requests_are_anonymised_by_the_daily_command(db, settings):
    from django.core.management import call_command

    settings.REQUEST_RETENTION_MONTHS = 24
    coordinator = make_coordinator()
    with time_machine.travel(dt.datetime(2024, 1, 5, 10, tzinfo=dt.UTC)):
        old = make_request().request
        transitions.close(request=old, actor=coordinator, outcome="resolved", reason=None)
    with time_machine.travel(dt.datetime(2025, 6, 5, 10, tzinfo=dt.UTC)):
        recent = make_request().request
        transitions.close(request=recent, actor=coordinator, outcome="resolved", reason=None)
    still_open = make_request().request
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        call_command("anonymize_requests", verbosity=0)
    for request_ in (old, recent, still_open):
        request_.refresh_from_db()
    assert old.anonymized_at and old.contact_email == "" and old.description == "[anonymisé]"
    assert old.need_links.exists()  # the observatory keeps what was asked, not who asked
    assert recent.anonymized_at is None and still_open.anonymized_at is None
    mail.outbox.clear()
