"""Error reports: anyone says a record is wrong; coordinators apply, reject or forward it.

Each write is one function, in a transaction, recording who acted; emails
leave after commit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from directory.models import ErrorReport, Place, ReportStatus


class ReportError(Exception):
    """Why a report cannot move to the asked state, in French."""


def contact_email(report: ErrorReport) -> str:
    try:
        validate_email(report.contact.strip())
    except ValidationError:
        return ""
    return report.contact.strip()


def _coordinator_emails() -> list[str]:
    return User.objects.coordinator_emails()


def submit_report(*, place: Place, message: str, contact: str = "") -> ErrorReport:
    with transaction.atomic():
        report = ErrorReport.objects.create(place=place, message=message.strip(), contact=contact.strip())
        send_after_commit(
            to=_coordinator_emails(),
            template="directory/email/report_received",
            context={"report": report, "place": place, "url": settings.SITE_URL + reverse("directory:reports")},
        )
    return report


def _close(report: ErrorReport, *, status: str, actor: User, response: str) -> ErrorReport:
    locked = ErrorReport.objects.select_for_update().select_related("place").get(pk=report.pk)
    if locked.status in (ReportStatus.APPLIED, ReportStatus.REJECTED):
        raise ReportError("Ce signalement a déjà été traité.")
    locked.status = status
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.response = response.strip()
    locked.save(update_fields=["status", "handled_by", "handled_at", "response"])
    return locked


def apply_report(*, report: ErrorReport, actor: User, response: str = "") -> ErrorReport:
    """The record was corrected; tell the reporter if they left an email address."""
    with transaction.atomic():
        report = _close(report, status=ReportStatus.APPLIED, actor=actor, response=response)
        send_after_commit(
            to=[contact_email(report)],
            template="directory/email/report_applied",
            context={
                "report": report,
                "place": report.place,
                "url": settings.SITE_URL + report.place.get_absolute_url(),
            },
        )
    return report


def reject_report(*, report: ErrorReport, actor: User, response: str) -> ErrorReport:
    with transaction.atomic():
        report = _close(report, status=ReportStatus.REJECTED, actor=actor, response=response)
        send_after_commit(
            to=[contact_email(report)],
            template="directory/email/report_rejected",
            context={"report": report, "place": report.place},
        )
    return report


def forward_report(*, report: ErrorReport, actor: User, response: str = "") -> ErrorReport:
    """Pass the report to the place's managers, who know the truth of their place."""
    with transaction.atomic():
        locked = ErrorReport.objects.select_for_update().select_related("place").get(pk=report.pk)
        if locked.status != ReportStatus.OPEN:
            raise ReportError("Seul un signalement à traiter peut être transmis.")
        managers = list(locked.place.managers.filter(is_active=True).values_list("email", flat=True))
        if not managers:
            raise ReportError(
                "Ce lieu n'a pas de gestionnaire : corrigez la fiche vous-même ou invitez son gestionnaire."
            )
        locked.status = ReportStatus.FORWARDED
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        locked.response = response.strip()
        locked.save(update_fields=["status", "handled_by", "handled_at", "response"])
        send_after_commit(
            to=managers,
            template="directory/email/report_forwarded",
            context={
                "report": locked,
                "place": locked.place,
                "note": locked.response,
                "url": settings.SITE_URL + reverse("directory:edit_place", kwargs={"pk": locked.place.pk}),
            },
        )
    return locked
