import datetime as dt
import html

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts import invitations
from accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place

NEW_PASSWORD = "fablab de luzy 2026 !"


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149")


@pytest.fixture
def association(db):
    return Organisation.objects.create(name="Association du fablab", kind=OrganisationKind.ASSOCIATION)


def _invite(client, association, fablab, capture) -> str:
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    with capture(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {
                "email": "Camille@Fablab.example",
                "organisation": association.pk,
                "role": "place_manager",
                "places": [fablab.pk],
            },
        )
    assert response.status_code == 302
    client.logout()
    (message,) = mail.outbox
    return next(line for line in message.body.splitlines() if "/invitation/" in line).replace(
        "http://127.0.0.1:8000", ""
    )


def test_a_coordinator_invites_a_place_manager_who_creates_an_account(
    client, association, fablab, django_capture_on_commit_callbacks
):
    link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["camille@fablab.example"]
    assert "Fablab de Luzy" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    page = client.get(link)
    assert page.status_code == 200 and "Rejoindre Association du fablab" in page.content.decode()
    response = client.post(link, {"full_name": "Camille Martin", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    user = User.objects.get(email="camille@fablab.example")
    assert user.full_name == "Camille Martin" and user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, organisation=association, role=Role.PLACE_MANAGER).exists()
    assert list(user.managed_places.all()) == [fablab]
    assert client.get(reverse("accounts:home")).status_code == 200
    # The link works once.
    assert "déjà été acceptée" in html.unescape(client.get(link).content.decode())


def test_an_invitation_link_expires(client, association, fablab, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_MAX_AGE_DAYS = 7
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2026, 11, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(dt.datetime(2026, 11, 8, 9, 1, tzinfo=dt.UTC), tick=False):
        response = client.get(link)
        assert response.status_code == 400
        assert "Ce lien d'invitation a expiré" in html.unescape(response.content.decode())
        client.post(link, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not User.objects.filter(email="camille@fablab.example").exists()


def test_a_tampered_link_is_refused(client, association, fablab, django_capture_on_commit_callbacks):
    link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    other = Invitation.objects.create(email="intrus@example.org", organisation=association, role=Role.COORDINATOR)
    forged = token.replace(token.split(":")[0], invitations.make_token(other).split(":")[0])
    for bad in [link.replace(token, token[:-2] + "xx"), link.replace(token, forged), "/invitation/n-importe-quoi/"]:
        response = client.get(bad)
        assert response.status_code == 400
        assert "n'est pas valide" in html.unescape(response.content.decode())
    assert not User.objects.filter(email="intrus@example.org").exists()


def test_an_existing_account_joins_a_second_organisation(
    client, association, fablab, django_capture_on_commit_callbacks
):
    make_user("camille@fablab.example", role=Role.MEDIATOR)
    link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    refused = client.post(link, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Un compte existe déjà pour cette adresse" in html.unescape(refused.content.decode())
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert client.post(link).status_code == 302
    user = User.objects.get(email="camille@fablab.example")
    assert {m.organisation.name for m in user.memberships.all()} == {"Conseil départemental", "Association du fablab"}
    assert user.is_mediator and user.is_place_manager


def test_an_invitation_for_someone_else_is_refused_to_a_logged_in_person(
    client, association, fablab, django_capture_on_commit_callbacks
):
    link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    make_user("autre@example.org")
    client.login(username="autre@example.org", password=PASSWORD)
    response = client.post(link)
    assert response.status_code == 400 and "une autre adresse" in html.unescape(response.content.decode())
    assert not Membership.objects.filter(organisation=association).exists()


def test_mismatched_passwords_get_a_french_message(client, association, fablab, django_capture_on_commit_callbacks):
    link = _invite(client, association, fablab, django_capture_on_commit_callbacks)
    response = client.post(link, {"full_name": "Camille", "password1": NEW_PASSWORD, "password2": "autre chose 2026"})
    assert response.status_code == 400
    assert "Les deux mots de passe ne sont pas identiques." in html.unescape(response.content.decode())
    assert not User.objects.filter(email="camille@fablab.example").exists()


@pytest.mark.parametrize("role", [None, Role.MEDIATOR, Role.PLACE_MANAGER, Role.PARTNER])
def test_only_coordinators_invite(client, db, role):
    make_user("personne@example.org", role=role)
    client.login(username="personne@example.org", password=PASSWORD)
    assert client.get(reverse("accounts:invite")).status_code == 403
    assert client.post(reverse("accounts:invite"), {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_anonymous_visitors_cannot_invite(client, db):
    response = client.post(reverse("accounts:invite"), {"email": "x@example.org"})
    assert response.status_code == 302 and not Invitation.objects.exists()


def test_a_place_manager_invitation_needs_places(client, association):
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    response = client.post(
        reverse("accounts:invite"), {"email": "x@example.org", "organisation": association.pk, "role": "place_manager"}
    )
    assert response.status_code == 400
    assert "Choisissez au moins un lieu pour un gestionnaire de lieu." in html.unescape(response.content.decode())
    assert not Invitation.objects.exists()
