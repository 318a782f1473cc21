"""manage.py create_coordinator EMAIL: one command makes a coordinator, with the organisation when there is none."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Organisation, Role, User
from tests.accounts.factories import make_coordinator


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_coordinator", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_organisation_the_account_and_a_working_set_password_link(
    db, settings, django_capture_on_commit_callbacks
):
    settings.LEGAL_PUBLISHER = "Conseil départemental de la Nièvre"
    settings.SITE_URL = "http://127.0.0.1:8123"
    with django_capture_on_commit_callbacks(execute=True):
        output = run("Camille@Nievre.example", "--nom", "Camille Martin")
    user = User.objects.get(email="camille@nievre.example")
    assert user.is_coordinator and not user.has_usable_password() and user.full_name == "Camille Martin"
    assert Organisation.objects.get().name == "Conseil départemental de la Nièvre"
    assert "Organisation de coordination créée" in output
    link = re.search(r"http://127\.0\.0\.1:8123(/mot-de-passe/nouveau/\S+)", output).group(1)
    assert [message.to for message in mail.outbox] == [["camille@nievre.example"]]
    assert link in mail.outbox[0].body

    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    password = "un mot de passe solide 2026 !"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    assert done.status_code == 302
    assert client.login(email="camille@nievre.example", password=password)


def test_a_second_coordinator_joins_the_existing_organisation_and_running_it_again_changes_nothing(db):
    first = make_coordinator()
    organisation = first.memberships.get().organisation
    run("deuxieme@nievre.example")
    run("deuxieme@nievre.example")
    second = User.objects.get(email="deuxieme@nievre.example")
    assert list(second.memberships.values_list("organisation", "role")) == [(organisation.pk, Role.COORDINATOR)]
    assert Organisation.objects.count() == 1


def test_an_existing_account_gets_the_role_and_may_get_the_administration(db):
    User.objects.create_user("lieu@nievre.example", "x")
    run("lieu@nievre.example", "--administration")
    user = User.objects.get(email="lieu@nievre.example")
    assert user.is_coordinator and user.is_staff and user.is_superuser


def test_a_wrong_address_is_refused_in_french(db):
    with pytest.raises(CommandError, match="n'est pas une adresse électronique valide"):
        run("pas-une-adresse")
    assert not User.objects.exists()
