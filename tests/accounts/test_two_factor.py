"""Optional TOTP second factor (django-otp), required for coordinators and administrators when OTP_REQUIRED."""

import datetime as dt
import html

import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import PASSWORD, make_coordinator, make_user


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits) + offset:06d}"[-6:]


def _login(client, email):
    return client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})


def test_a_person_turns_it_on_and_then_needs_the_code_to_log_in(client, db):
    user = make_user("camille@fablab.example")
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:two_factor"), {"code": "12345"}).status_code == 400
    assert client.post(reverse("accounts:two_factor"), {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.logout()

    response = _login(client, "camille@fablab.example")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    assert client.get(reverse("accounts:home")).status_code == 302
    wrong = client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert wrong.status_code == 400 and "Ce code n'est pas le bon" in html.unescape(wrong.content.decode())
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    # A code is good once: the next one comes with the next 30 seconds.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)):
        ok = client.post(reverse("accounts:login_code"), {"code": _code(device)})
        assert ok.status_code == 302 and client.get(reverse("accounts:home")).status_code == 200


def test_the_code_page_needs_a_password_first(client, db):
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")


def test_when_required_a_coordinator_must_set_it_up_before_anything_else(client, db, settings):
    settings.OTP_REQUIRED = True
    make_coordinator("coord@example.org")
    _login(client, "coord@example.org")
    response = client.get(reverse("demandes:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    assert "Votre rôle demande une double authentification" in html.unescape(
        client.get(reverse("accounts:two_factor")).content.decode()
    )
    device = TOTPDevice.objects.get()
    client.post(reverse("accounts:two_factor"), {"code": _code(device)})
    assert client.get(reverse("demandes:queue")).status_code == 200


def test_when_required_a_place_manager_is_not_bothered(client, db, settings):
    settings.OTP_REQUIRED = True
    make_user("camille@fablab.example")
    _login(client, "camille@fablab.example")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_admin_asks_for_the_second_factor_too(client, db, settings):
    settings.OTP_REQUIRED = True
    admin_user = make_user("admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin_user)  # a password login without the code
    assert client.get(reverse("admin:index")).status_code == 302
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client.logout()
    _login(client, "admin@example.org")
    client.post(reverse("accounts:login_code"), {"code": _code(device)})
    assert client.get(reverse("admin:index")).status_code == 200
