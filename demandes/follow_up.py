"""Orientations nobody answered: a reminder after a few days, then expiry back to the queue."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from demandes import transitions
from demandes.models import Orientation, OrientationStatus


@dataclass
class FollowUpReport:
    reminded: int = 0
    expired: int = 0


def follow_orientations(*, now: dt.datetime | None = None) -> FollowUpReport:
    now = now or timezone.now()
    report = FollowUpReport()
    waiting = Orientation.objects.filter(status=OrientationStatus.SENT)
    for orientation in waiting.filter(expires_at__lte=now):
        transitions.expire(orientation=orientation)
        report.expired += 1
    remind_before = now - dt.timedelta(days=settings.ORIENTATION_REMINDER_DAYS)
    for orientation in waiting.filter(expires_at__gt=now, reminded_at__isnull=True, sent_at__lte=remind_before):
        transitions.mark_reminded(orientation=orientation)
        report.reminded += 1
    return report
