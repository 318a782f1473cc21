"""Keeping records fresh: reminders to place managers, a digest for coordinators.

`manage.py remind_stale_places` runs this once a day. A manager hears about
an overdue record when it falls due, then again after each interval of
REMINDER_INTERVALS_DAYS (the last repeating), never more often; coordinators
get a digest of what is overdue or has no manager at most every
COORDINATOR_DIGEST_DAYS days.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from directory.models import CoordinatorDigest, Place, PlaceStatus

CONFIRM_SALT = "directory.confirm-place"


@dataclass
class ReminderReport:
    reminded_places: int = 0
    emails: int = 0
    digest_sent: bool = False


def confirm_token(place: Place, user: User) -> str:
    return signing.dumps({"place": place.pk, "user": user.pk}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[int, int]:
    """(place id, user id) of a valid link; raises signing.BadSignature (or SignatureExpired) otherwise."""
    payload = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=settings.CONFIRM_LINK_MAX_AGE_DAYS))
    return int(payload["place"]), int(payload["user"])


def reminder_due(place: Place, now: dt.datetime) -> bool:
    if place.reminded_at is None or place.reminder_count == 0:
        return True
    intervals = settings.REMINDER_INTERVALS_DAYS
    wait = intervals[min(place.reminder_count - 1, len(intervals) - 1)]
    return now - place.reminded_at >= dt.timedelta(days=wait)


def send_reminders(*, now: dt.datetime | None = None) -> ReminderReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ReminderReport()
    with transaction.atomic():
        overdue = (
            Place.objects.exclude(status=PlaceStatus.CLOSED)
            .stale(today)
            .select_related("commune")
            .prefetch_related("managers")
            .select_for_update(of=("self",))
            .order_by("name")
        )
        by_manager: dict[User, list[Place]] = defaultdict(list)
        reminded: list[Place] = []
        for place in overdue:
            managers = [user for user in place.managers.all() if user.is_active]
            if not managers or not reminder_due(place, now):
                continue
            for user in managers:
                by_manager[user].append(place)
            place.reminded_at = now
            place.reminder_count += 1
            reminded.append(place)
        Place.objects.bulk_update(reminded, ["reminded_at", "reminder_count"])
        for user, places in by_manager.items():
            items = [
                {
                    "place": place,
                    "confirm_url": settings.SITE_URL
                    + reverse("directory:confirm_by_link", kwargs={"token": confirm_token(place, user)}),
                    "edit_url": settings.SITE_URL + reverse("directory:edit_place", kwargs={"pk": place.pk}),
                }
                for place in places
            ]
            send_after_commit(
                to=[user.email], template="directory/email/stale_reminder", context={"places": places, "items": items}
            )
        report.reminded_places = len(reminded)
        report.emails = len(by_manager)
        report.digest_sent = _send_digest(now=now, today=today)
    return report


def _send_digest(*, now: dt.datetime, today: dt.date) -> bool:
    last = CoordinatorDigest.objects.order_by("-sent_at").first()
    if last and now - last.sent_at < dt.timedelta(days=settings.COORDINATOR_DIGEST_DAYS):
        return False
    live = Place.objects.exclude(status=PlaceStatus.CLOSED).select_related("commune").order_by("name")
    overdue = list(live.stale(today))
    unmanaged = list(live.filter(managers=None))
    if not overdue and not unmanaged:
        return False
    coordinators = User.objects.coordinator_emails()
    if not coordinators:
        return False
    CoordinatorDigest.objects.create(sent_at=now, overdue_count=len(overdue), unmanaged_count=len(unmanaged))
    send_after_commit(
        to=coordinators,
        template="directory/email/coordinator_digest",
        context={
            "overdue": overdue,
            "unmanaged": unmanaged,
            "today": today,
            "url": settings.SITE_URL + reverse("directory:quality"),
        },
    )
    return True
