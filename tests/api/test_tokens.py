"""Organisations' API tokens: shown once, kept only as a hash, revocable."""

import copy
import hashlib
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import ApiToken
from api.security import authenticate_token

pytestmark = pytest.mark.django_db


def test_a_token_is_kept_only_as_its_hash(organisation):
    token, key = ApiToken.issue(organisation=organisation, name="  Outil  ")

    assert key.startswith("aig_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    assert token.name == "Outil"
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in [str(value) for value in stored.values()]


def test_two_tokens_never_share_a_secret(organisation):
    _, first = ApiToken.issue(organisation=organisation, name="A")
    _, second = ApiToken.issue(organisation=organisation, name="B")

    assert first != second


def test_only_an_active_token_authenticates(organisation):
    token, key = ApiToken.issue(organisation=organisation, name="Outil")

    assert authenticate_token(key) == token
    assert authenticate_token(key + "x") is None
    assert authenticate_token(key.removeprefix("aig_")) is None
    token.revoke()
    assert authenticate_token(key) is None


def test_revoking_twice_keeps_the_first_date(organisation):
    token, _ = ApiToken.issue(organisation=organisation, name="Outil")
    token.revoke()
    first = ApiToken.objects.get().revoked_at
    token.revoke()

    assert ApiToken.objects.get().revoked_at == first


@pytest.mark.parametrize("lookup", ["siret", "pk"])
def test_the_command_prints_a_working_token_for_the_organisation(organisation, lookup):
    out, err = StringIO(), StringIO()

    call_command(
        "create_api_token", organisation=str(getattr(organisation, lookup)), name="Outil", stdout=out, stderr=err
    )

    key = out.getvalue().strip()
    assert authenticate_token(key).organisation == organisation
    assert "il ne sera plus affiché" in err.getvalue()


def test_the_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="Aucune organisation ne correspond"):
        call_command("create_api_token", organisation="13000000000013", name="Outil", stdout=StringIO())
    with pytest.raises(CommandError, match="ni un identifiant, ni un SIRET"):
        call_command("create_api_token", organisation="chambre", name="Outil", stdout=StringIO())
    assert not ApiToken.objects.exists()


@pytest.fixture
def admin_client(client, db, settings):
    # The admin's own templates rely on empty undefined variables.
    templates = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = ""
    settings.TEMPLATES = templates
    user = get_user_model().objects.create_superuser("coordination@example.org", "x")
    client.force_login(user)
    return client


def test_a_coordinator_creates_a_token_in_the_admin_and_sees_it_once(admin_client, organisation):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"organisation": organisation.pk, "name": "Outil de la chambre"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.created_by.email == "coordination@example.org"
    page = response.content.decode()
    key = page.split('id="api-token" type="text" value="')[1].split('"')[0]
    assert authenticate_token(key) == token
    change_page = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.prefix in change_page
    assert key not in change_page


def test_a_coordinator_revokes_tokens_from_the_list(admin_client, organisation):
    token, key = ApiToken.issue(organisation=organisation, name="Outil")

    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert authenticate_token(key) is None
