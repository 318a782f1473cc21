"""Every door to an account is throttled: the admin's login, password reset, and behind a proxy too."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from mailer.models import Message

from accounts import throttle
from tests.accounts.factories import PASSWORD, make_user


@pytest.fixture
def admin_user(db):
    return make_user("admin@example.org", is_staff=True, is_superuser=True)


def test_the_admin_has_no_login_of_its_own(client, admin_user, settings):
    settings.LOGIN_THROTTLE_PER_IP = 5
    for attempt in range(40):
        response = client.post(
            reverse("admin:login"),
            {"username": "admin@example.org", "password": f"faux{attempt}"},
            REMOTE_ADDR="1.2.3.4",
        )
        assert response.status_code == 302
    response = client.post(
        reverse("admin:login"), {"username": "admin@example.org", "password": PASSWORD}, REMOTE_ADDR="1.2.3.4"
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_login_sends_to_the_site_login_and_back(client, admin_user):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    login = client.post(
        response.redirect_chain[-1][0], {"username": "admin@example.org", "password": PASSWORD}, follow=True
    )
    assert login.redirect_chain[-1][0] == reverse("admin:index")
    assert login.status_code == 200


def test_a_signed_in_person_without_admin_access_is_refused_not_looped(client, db):
    make_user("camille@fablab.example")
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert client.get(reverse("admin:login"), {"next": "/admin/"}).status_code == 403


def test_the_admin_login_never_redirects_elsewhere(client, admin_user):
    client.login(username="admin@example.org", password=PASSWORD)
    response = client.get(reverse("admin:login"), {"next": "https://e.vil/"})
    assert response["Location"] == reverse("admin:index")


def _reset(client, email, ip="203.0.113.7"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_sends_a_few_emails_per_account_then_refuses_in_french(client, db, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT = 2
    make_user("camille@fablab.example")
    for index in range(2):
        assert _reset(client, "camille@fablab.example", ip=f"198.51.100.{index}").status_code == 302
    response = _reset(client, "Camille@fablab.example", ip="198.51.100.9")
    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in response.content.decode()
    assert Message.objects.count() == 2  # queued in the outbox


def test_password_reset_is_limited_per_address(client, db, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_IP = 3
    for index in range(3):
        make_user(f"personne{index}@example.org")
        assert _reset(client, f"personne{index}@example.org").status_code == 302
    make_user("camille@fablab.example")
    assert _reset(client, "camille@fablab.example").status_code == 429
    assert _reset(client, "camille@fablab.example", ip="192.0.2.1").status_code == 302
    assert Message.objects.count() == 4


@pytest.mark.parametrize(
    "count, forwarded, remote, expected",
    [
        (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 198.51.100.4", "10.0.0.1", "198.51.100.4"),
        (2, "6.6.6.6, 198.51.100.4, 10.0.0.2", "10.0.0.1", "198.51.100.4"),
        (2, "198.51.100.4", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies_only(settings, count, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert throttle.client_ip(request) == expected


def test_a_forged_forwarded_header_does_not_escape_the_login_limit(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_THROTTLE_PER_IP = 3
    make_user("camille@fablab.example")
    for index in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": f"x{index}@example.org", "password": "faux"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{index}, 198.51.100.4",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "camille@fablab.example", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.99, 198.51.100.4",
    )
    assert "Trop de tentatives de connexion" in response.content.decode()
