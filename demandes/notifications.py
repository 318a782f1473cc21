"""Emails about requests, each sent after the transaction commits, only to those who must act or asked to know."""

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from aiguillage import outbox
from aiguillage.mail import send_after_commit
from aiguillage.models import PendingEmail
from demandes.links import orientation_url
from demandes.models import Orientation, Request
from directory.models import Place
from legal.pages import help_line


def _coordinators() -> list[str]:
    return User.objects.coordinator_emails()


def place_recipients(place: Place) -> list[str]:
    """Where a request for this place is emailed: its active managers, else the place's own address; maybe none."""
    managers = [email for email in place.managers.filter(is_active=True).values_list("email", flat=True) if email]
    return managers or ([place.email] if place.email else [])


def _place_recipients(orientation: Orientation) -> list[str]:
    return place_recipients(orientation.place)


def _requester(request: Request) -> list[str]:
    return [request.contact_email] if request.consent and request.contact_email and not request.anonymized_at else []


def _request_url(request: Request) -> str:
    return settings.SITE_URL + reverse("demandes:detail", kwargs={"reference": request.reference})


def _tell_coordinators(request: Request, what: str) -> None:
    send_after_commit(
        to=_coordinators(),
        template="demandes/email/coordinator_update",
        context={"request": request, "what": what, "url": _request_url(request)},
    )


def new_request(request: Request) -> None:
    send_after_commit(
        to=_coordinators(),
        template="demandes/email/new_request",
        context={"request": request, "url": _request_url(request)},
    )


def request_received(request: Request, tracking_link: str) -> None:
    send_after_commit(
        to=_requester(request),
        template="demandes/email/requester_received",
        context={"request": request, "tracking_url": tracking_link, "help_line": help_line()},
    )


def request_created(request: Request, tracking_link: str) -> PendingEmail:
    """The coordinators' notice and the requester's receipt of a new request, built by the outbox, not the
    submission: the row of what to build, which the submission writes with its own (demandes.intake)."""
    return outbox.pending(created_emails, request_id=request.pk, tracking_link=tracking_link)


@outbox.builds_emails
def created_emails(*, request_id: int, tracking_link: str) -> None:
    request = Request.objects.select_related("commune").filter(pk=request_id).first()
    if request is None:
        # Erased before its emails were built: nobody is left to tell.
        return
    new_request(request)
    request_received(request, tracking_link)


def orientation_sent(orientation: Orientation) -> None:
    send_after_commit(
        to=_place_recipients(orientation),
        template="demandes/email/orientation_sent",
        context={
            "orientation": orientation,
            "request": orientation.request,
            "url": orientation_url(orientation),
            "days": settings.ORIENTATION_LINK_DAYS,
        },
    )


def orientation_reminder(orientation: Orientation) -> None:
    send_after_commit(
        to=_place_recipients(orientation),
        template="demandes/email/orientation_reminder",
        context={"orientation": orientation, "request": orientation.request, "url": orientation_url(orientation)},
    )


def orientation_accepted(orientation: Orientation) -> None:
    request = orientation.request
    send_after_commit(
        to=_requester(request),
        template="demandes/email/requester_accepted",
        context={
            "request": request,
            "place": orientation.place,
            "url": settings.SITE_URL + orientation.place.get_absolute_url(),
        },
    )
    _tell_coordinators(request, f"{orientation.place.name} a accepté la demande.")


def orientation_declined(orientation: Orientation) -> None:
    request = orientation.request
    _tell_coordinators(request, f"{orientation.place.name} a refusé la demande : {orientation.decline_reason}.")


def orientation_expired(orientation: Orientation) -> None:
    request = orientation.request
    _tell_coordinators(request, f"{orientation.place.name} n'a pas répondu à temps : la demande revient dans la file.")


def request_closed(request: Request) -> None:
    send_after_commit(to=_requester(request), template="demandes/email/requester_closed", context={"request": request})


def requester_added_detail(request: Request, text: str) -> None:
    _tell_coordinators(request, f"La personne a ajouté une précision depuis sa page de suivi : « {text} »")


def requester_cancelled(request: Request, holders: list[Orientation]) -> None:
    """The coordinators, and each place the request was sent to or accepted by, learn it is no longer needed."""
    _tell_coordinators(
        request, "La personne a annulé sa demande depuis sa page de suivi : elle n'a plus besoin d'aide."
    )
    for orientation in holders:
        send_after_commit(
            to=_place_recipients(orientation),
            template="demandes/email/orientation_cancelled",
            context={"orientation": orientation, "request": request},
        )
