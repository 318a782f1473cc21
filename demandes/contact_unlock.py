"""The place link shows the requester's contact details only to the place.

A forwarded email is enough to hold an orientation link: after acceptance the link shows the contact details
for a short window in the browser that accepted, and otherwise only after a second step, a code sent to the
place's own address (its managers', or the place's email). A signed-in manager of the place sees them
through their account. Every view is logged with the IP address (demandes/access.py).
"""

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import throttle
from aiguillage.mail import send_after_commit
from demandes.models import Orientation

CODE_SALT = "demandes.contact-code"
CODE_PERIOD_SECONDS = 15 * 60
SESSION_PREFIX = "contact-unlocked:"


def _session_key(orientation: Orientation) -> str:
    return f"{SESSION_PREFIX}{orientation.pk}"


def unlock(request: HttpRequest, orientation: Orientation) -> None:
    """This browser sees the contact details for CONTACT_WINDOW_MINUTES."""
    request.session[_session_key(orientation)] = int(time.time()) + settings.CONTACT_WINDOW_MINUTES * 60


def is_unlocked(request: HttpRequest, orientation: Orientation) -> bool:
    until = request.session.get(_session_key(orientation))
    return isinstance(until, int) and until > time.time()


def _code(orientation: Orientation, period: int) -> str:
    # Tied to the acceptance, so that a code never outlives the orientation it was sent for.
    value = f"{orientation.pk}:{orientation.request_id}:{orientation.responded_at}:{period}"
    digest = salted_hmac(CODE_SALT, value, algorithm="sha256").hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def current_code(orientation: Orientation, *, now: float | None = None) -> str:
    return _code(orientation, int((now or time.time()) // CODE_PERIOD_SECONDS))


def check_code(orientation: Orientation, code: str, *, now: float | None = None) -> bool:
    """A code of this period or the one before (so that one sent just before the turn still works)."""
    period = int((now or time.time()) // CODE_PERIOD_SECONDS)
    code = "".join(char for char in code if char.isdigit())
    return any(constant_time_compare(code, _code(orientation, p)) for p in (period, period - 1))


def place_addresses(orientation: Orientation) -> list[str]:
    managers = list(orientation.place.managers.filter(is_active=True).values_list("email", flat=True))
    return managers or ([orientation.place.email] if orientation.place.email else [])


def send_code(orientation: Orientation) -> list[str]:
    """Email the code to the place's own addresses; return them (empty: the place has none)."""
    addresses = place_addresses(orientation)
    send_after_commit(
        to=addresses,
        template="demandes/email/contact_code",
        context={
            "orientation": orientation,
            "request": orientation.request,
            "code": current_code(orientation),
            "minutes": CODE_PERIOD_SECONDS // 60,
        },
    )
    return addresses


def masked(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}"


def attempts_limit() -> throttle.Limit:
    return throttle.Limit("contact-code", settings.CONTACT_CODE_ATTEMPTS, CODE_PERIOD_SECONDS, fail_closed=True)
