"""An orientation reaches its place, or says it did not; and a coordinator orients to any open place found by search."""

import html
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from demandes import links, transitions
from demandes.models import Delivery, EventKind, Orientation
from tests.accounts.factories import make_coordinator, make_user
from tests.demandes.factories import make_request
from tests.factories import make_place
from tests.smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db

PRINT = "Je voudrais imprimer une pièce en 3D pour mon vélo"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(client):
    user = make_coordinator()
    client.force_login(user)
    return user


def orient(client, request_, places, note=""):  # noqa: ANN001, ANN201
    return client.post(
        reverse("demandes:orient", kwargs={"reference": request_.reference}),
        {"places": [place.pk for place in places], "note": note, "version": request_.version},
        follow=True,
    )


def detail(client, request_, **params):  # noqa: ANN001, ANN201
    return client.get(reverse("demandes:detail", kwargs={"reference": request_.reference}), params)


def test_a_place_with_neither_email_nor_phone_is_refused_and_nothing_changes(client, coordinator):
    ebe = make_place(name="EBE 58", commune="58218", equipment=("3d_printer",))
    request_ = make_request(PRINT).request
    version = request_.version

    page = orient(client, request_, [ebe])

    assert "EBE 58 n’a ni courriel, ni gestionnaire, ni téléphone" in text(page)
    assert "Demande envoyée" not in text(page)
    assert not Orientation.objects.exists()
    request_.refresh_from_db()
    assert request_.version == version and request_.status == "qualified"


def test_one_unreachable_place_stops_the_whole_orientation(coordinator):
    reachable = make_place(name="Fablab", commune="58149", equipment=("3d_printer",), email="fablab@luzy.example")
    silent = make_place(name="EBE 58", commune="58218", equipment=("3d_printer",))
    request_ = make_request(PRINT).request
    with pytest.raises(transitions.TransitionError, match="EBE 58"):
        transitions.orient(request=request_, actor=coordinator, places=[reachable, silent])
    assert not Orientation.objects.exists()
    assert not mail.outbox


def test_a_place_with_only_a_phone_becomes_a_call_for_the_coordination_until_done(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    ebe = make_place(name="EBE 58", commune="58218", equipment=("3d_printer",), phone="03 86 60 00 00")
    created = make_request(PRINT)
    request_ = created.request
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = orient(client, request_, [ebe], note="Une pièce de vélo, urgent")

    assert "Aucun courriel pour EBE 58 au 03 86 60 00 00 : rien n'est parti." in text(page)
    assert "Demande envoyée" not in text(page)
    orientation = Orientation.objects.get()
    assert (orientation.delivery, orientation.phone, orientation.phoned_at) == (Delivery.PHONE, "03 86 60 00 00", None)
    assert orientation.message == "Une pièce de vélo, urgent"
    assert not [message for message in mail.outbox if "EBE 58" in message.subject]
    # The task shows on the request page (with the number, the message and the answer link) and in the queue.
    page = text(detail(client, request_))
    assert "À transmettre par téléphone" in page
    assert 'href="tel:0386600000"' in page
    assert "rien ne lui est parti" in page
    assert "EBE 58</a> (Prémery) — pas encore transmise" in page
    # The signed answer link (its signature carries the second it was made).
    assert settings.SITE_URL + "/orientation/" in page
    queue = text(client.get(reverse("demandes:queue")))
    assert "À transmettre par téléphone (1)" in queue
    assert request_.reference in queue
    # The requester is not told it was sent before the call.
    tracking = text(Client().get(created.tracking_path))
    assert "La coordination va l'appeler pour lui transmettre votre demande." in tracking
    assert "a été transmise" not in tracking

    request_.refresh_from_db()
    done = client.post(
        reverse("demandes:mark_phoned", kwargs={"reference": request_.reference, "pk": orientation.pk}),
        {"note": "Ils rappellent demain", "version": request_.version},
        follow=True,
    )

    assert "transmise à EBE 58 par téléphone" in text(done)
    orientation.refresh_from_db()
    assert orientation.phoned_at is not None and orientation.phoned_by == coordinator
    event = request_.events.get(kind=EventKind.PHONED)
    assert event.note == "EBE 58 appelé au 03 86 60 00 00. Ils rappellent demain"
    assert "À transmettre par téléphone (" not in text(client.get(reverse("demandes:queue")))
    assert "rien ne lui est parti" not in text(detail(client, request_))
    assert "transmise par téléphone le" in text(detail(client, request_))
    assert "Votre demande a été transmise à un lieu" in text(Client().get(created.tracking_path))

    request_.refresh_from_db()
    again = client.post(
        reverse("demandes:mark_phoned", kwargs={"reference": request_.reference, "pk": orientation.pk}),
        {"version": request_.version},
        follow=True,
    )
    assert "déjà été transmise par téléphone" in text(again)


def test_marking_a_call_is_a_post_for_coordinators_of_that_request(client, db):
    ebe = make_place(name="EBE 58", commune="58218", equipment=("3d_printer",), phone="03 86 60 00 00")
    request_ = make_request(PRINT).request
    other = make_request(PRINT).request
    (orientation,) = transitions.orient(request=request_, actor=make_coordinator(), places=[ebe])
    url = reverse("demandes:mark_phoned", kwargs={"reference": request_.reference, "pk": orientation.pk})
    request_.refresh_from_db()

    assert client.post(url, {"version": request_.version}).status_code == 302  # to the login page
    client.force_login(make_user("lieu@example.org", role=Role.PLACE_MANAGER))
    assert client.post(url, {"version": request_.version}).status_code in (403, 404)
    client.force_login(make_coordinator("autre.coordination@example.org"))
    assert client.get(url).status_code == 405
    wrong = reverse("demandes:mark_phoned", kwargs={"reference": other.reference, "pk": orientation.pk})
    assert client.post(wrong, {"version": other.version}).status_code == 404
    bad = client.post(url, {"version": "pas un nombre"}, follow=True)
    assert bad.status_code == 200
    orientation.refresh_from_db()
    assert orientation.phoned_at is None


def test_the_coordinations_message_is_in_the_email_and_on_the_places_page(
    client, coordinator, django_capture_on_commit_callbacks
):
    fablab = make_place(name="Fablab", commune="58149", equipment=("3d_printer",), email="fablab@luzy.example")
    request_ = make_request(PRINT).request
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = orient(client, request_, [fablab], note="La personne ne lit pas ses courriels : appelez-la.")

    assert "Demande envoyée par courriel à Fablab." in text(page)
    [email] = [message for message in mail.outbox if message.to == ["fablab@luzy.example"]]
    assert "Message de la coordination : La personne ne lit pas ses courriels : appelez-la." in email.body
    assert "La personne ne lit pas ses courriels : appelez-la." in email.alternatives[0][0]
    orientation = Orientation.objects.get()
    assert orientation.delivery == Delivery.EMAIL
    client.logout()
    place_page = text(client.get(reverse("demandes:answer", kwargs={"token": links.orientation_token(orientation)})))
    assert "Message de la coordination" in place_page
    assert "La personne ne lit pas ses courriels : appelez-la." in place_page


def test_a_coordinator_finds_any_open_place_by_search_and_orients_to_it(client, coordinator):
    suggested = make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), email="f@luzy.example")
    library = make_place(
        name="Médiathèque de Luzy", commune="58149", services=("admin_procedures",), email="m@luzy.example"
    )
    make_place(name="Médiathèque fermée", commune="58149", status="closed", email="x@luzy.example")
    request_ = make_request(PRINT).request

    page = text(detail(client, request_, lieu="mediatheque"))

    assert "Lieux trouvés (1)" in page
    assert "Médiathèque de Luzy" in page and "Médiathèque fermée" not in page
    assert "choisi par la coordination (l'aiguillage ne le propose pas pour ces besoins)" in page
    assert "recevra la demande par courriel" in page
    by_commune = text(detail(client, request_, lieu="luzy fablab"))
    assert "Lieux trouvés (1)" in by_commune and "dispose d'une imprimante 3D (à confirmer)" in by_commune

    orient(client, request_, [library, suggested])

    chosen = Orientation.objects.get(place=library)
    assert chosen.by_coordination and chosen.reasons == []
    engine = Orientation.objects.get(place=suggested)
    assert not engine.by_coordination and "dispose d'une imprimante 3D (à confirmer)" in engine.reasons
    assert engine.score is not None
    page = text(detail(client, request_))
    assert "choisi par la coordination" in page
    assert "Suggéré : dispose d'une imprimante 3D (à confirmer)" in page


def test_a_search_that_finds_nothing_says_so_and_a_too_long_one_is_refused(client, coordinator):
    request_ = make_request(PRINT).request
    assert "Aucun lieu ouvert ne correspond à « zzz »" in text(detail(client, request_, lieu="zzz"))
    response = detail(client, request_, lieu="x" * 101)
    assert response.status_code == 400
    assert "Tapez au plus 100 caractères." in text(response)


class RefusingInbox:
    """A mail server that refuses one address, as a server answers for a mailbox that does not exist."""

    def __init__(self, refused: str) -> None:
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address == self.refused:
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        return "250 Message accepted for delivery"


def test_an_orientation_email_the_server_refuses_shows_in_the_outbox(client, coordinator, settings):
    from aiosmtpd.controller import Controller

    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    fablab = make_place(name="Fablab", commune="58149", equipment=("3d_printer",), email="inconnu@luzy.example")
    request_ = make_request(PRINT).request
    with smtp_server(settings.EMAIL_PORT):
        call_command("send_outbox", stdout=io.StringIO())  # what intake queued leaves first
    orient(client, request_, [fablab])

    controller = Controller(RefusingInbox("inconnu@luzy.example"), hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        call_command("send_outbox", stdout=io.StringIO())
    finally:
        controller.stop()

    page = text(client.get(reverse("outbox")))
    assert "En échec (1)" in page
    assert f"Une demande pour Fablab : {request_.reference}" in page
    assert "inconnu@luzy.example" in page
    assert "Adresse inconnue" in page
