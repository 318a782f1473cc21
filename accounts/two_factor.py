"""Second factor for the accounts that can do the most: a TOTP code from an authenticator app (django-otp).

Anyone may turn it on from their space; coordinators and administrators must when OTP_REQUIRED is true.
A person with a confirmed device types a code after the password (the login is not complete before); a
person who must and has none is sent to set one up before anything else.
"""

import segno
from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

PENDING_USER = "otp-pending-user"
PENDING_BACKEND = "otp-pending-backend"
PENDING_NEXT = "otp-pending-next"


def must_use(user: User) -> bool:
    return bool(settings.OTP_REQUIRED) and (user.is_staff or user.is_superuser or user.is_coordinator)


def has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def needs_code(user: User) -> bool:
    """Whether the login must ask for a code before it is complete."""
    return has_device(user)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code, drawn with attributes only (no style, for the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False, title="Code QR à scanner")


def secret_for_typing(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def verified_or_exempt(user: User) -> bool:
    """Whether this signed-in person may go on: verified by a code, or neither required nor set up."""
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    return not (must_use(user) or has_device(user))
