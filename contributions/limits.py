"""Rate limits of the public contribution forms (beside the honeypot): per address, and per email address."""

from django.conf import settings
from django.http import HttpRequest

from accounts import throttle

MESSAGE = "Vous avez envoyé beaucoup de demandes en peu de temps. Réessayez dans une heure."


def _limits() -> tuple[throttle.Limit, throttle.Limit]:
    window = settings.CONTRIBUTION_THROTTLE_WINDOW
    return (
        throttle.Limit("contribution-ip", settings.CONTRIBUTION_THROTTLE_PER_IP, window),
        throttle.Limit("contribution-email", settings.CONTRIBUTION_THROTTLE_PER_EMAIL, window),
    )


def allowed(request: HttpRequest, email: str) -> bool:
    """Count one sending; False when this address or this email address has sent too many."""
    ip_limit, email_limit = _limits()
    ip = throttle.client_ip(request)
    if throttle.is_limited(ip_limit, ip) or throttle.is_limited(email_limit, email):
        return False
    throttle.hit(ip_limit, ip)
    throttle.hit(email_limit, email)
    return True
