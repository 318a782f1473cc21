"""Signed-in sessions end after a time without activity."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "last_seen"
# The time of the last activity is written at most this often, not on every request.
WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log out a person whose last request is older than STAFF_SESSION_IDLE_SECONDS (every account is staff here:
    coordinators, mediators, places, partners; the public has none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                hours = settings.STAFF_SESSION_IDLE_SECONDS / 3600
                delay = f"{hours:g} h" if hours >= 1 else f"{settings.STAFF_SESSION_IDLE_SECONDS // 60} minutes"
                messages.info(request, f"Sans activité depuis plus de {delay}, vous avez été déconnecté.")
            elif not isinstance(last, int) or now - last >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """With OTP_REQUIRED, a coordinator or administrator without a verified second factor only reaches the page
    that sets it up (and logging out)."""

    ALLOWED = ("accounts:two_factor", "accounts:logout", "accounts:login_code")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.shortcuts import redirect
        from django.urls import reverse

        from accounts import two_factor

        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and two_factor.must_use(user)
            and not two_factor.verified_or_exempt(user)
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and not request.path.startswith(settings.STATIC_URL)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
