import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_people_log_in_with_their_email_whatever_its_case(client, db):
    make_user("camille@fablab.example")
    response = _login(client, "Camille@Fablab.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_wrong_password_gets_a_french_message(client, db):
    make_user("camille@fablab.example")
    response = _login(client, "camille@fablab.example", "mauvais")
    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_on_one_account_from_one_address_are_throttled(client, db, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 3
    make_user("camille@fablab.example")
    for attempt in range(3):
        _login(client, "camille@fablab.example", f"faux{attempt}", ip="198.51.100.1")
    response = _login(client, "camille@fablab.example", PASSWORD, ip="198.51.100.1")
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_elsewhere_do_not_lock_the_person_out_of_their_account(client, db, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 3
    make_user("camille@fablab.example")
    for attempt in range(6):
        _login(client, "camille@fablab.example", f"faux{attempt}", ip=f"198.51.100.{attempt}")
    assert _login(client, "camille@fablab.example", PASSWORD, ip="192.0.2.50").status_code == 302


def test_repeated_failures_from_one_address_are_throttled(client, db, settings):
    settings.LOGIN_THROTTLE_PER_IP = 4
    make_user("camille@fablab.example")
    for index in range(4):
        _login(client, f"inconnu{index}@example.org", "faux")
    response = _login(client, "camille@fablab.example", PASSWORD)
    assert "Trop de tentatives de connexion" in response.content.decode()
    other_address = _login(client, "camille@fablab.example", PASSWORD, ip="192.0.2.1")
    assert other_address.status_code == 302


def test_a_success_clears_the_account_counter(client, db, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 3
    make_user("camille@fablab.example")
    _login(client, "camille@fablab.example", "faux", ip="192.0.2.10")
    _login(client, "camille@fablab.example", "faux", ip="192.0.2.11")
    assert _login(client, "camille@fablab.example", PASSWORD, ip="192.0.2.12").status_code == 302
    client.logout()
    _login(client, "camille@fablab.example", "faux", ip="192.0.2.13")
    _login(client, "camille@fablab.example", "faux", ip="192.0.2.14")
    assert _login(client, "camille@fablab.example", PASSWORD, ip="192.0.2.15").status_code == 302


def test_logout_is_a_post(client, db):
    make_user("camille@fablab.example")
    client.login(username="camille@fablab.example", password=PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_account_area_needs_a_login(client, db):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_password_reset_sends_a_french_email_with_a_working_link(client, db, django_capture_on_commit_callbacks):
    make_user("camille@fablab.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "camille@fablab.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choisir un nouveau mot de passe"
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "un tout autre mot de passe 2026", "new_password2": "un tout autre mot de passe 2026"},
    )
    assert done.status_code == 302
    client.logout()
    assert _login(client, "camille@fablab.example", "un tout autre mot de passe 2026").status_code == 302


def test_password_reset_says_nothing_about_unknown_addresses(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
