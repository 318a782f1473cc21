"""A lost tracking link: a new one is issued, and the old one stops working (only the new key's hash is kept)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from demandes.links import tracking_url
from demandes.models import EventKind, Orientation, Request, RequestEvent, Status
from demandes.privacy import find_person
from demandes.references import new_tracking_key


def reissue_link(*, request: Request, actor: User | None, actor_label: str = "", email: bool) -> str:
    """Give the request a new tracking key; return the new link. With ``email``, send it to the requester."""
    with transaction.atomic():
        locked = Request.objects.select_for_update().get(pk=request.pk)
        key, key_hash = new_tracking_key()
        locked.tracking_key_hash = key_hash
        locked.save(update_fields=["tracking_key_hash", "updated_at"])
        RequestEvent.objects.create(
            request=locked,
            kind=EventKind.LINK_REISSUED,
            actor=actor,
            actor_label=actor_label,
            from_status=locked.status,
            to_status=locked.status,
            note="L'ancien lien ne fonctionne plus.",
        )
        link = tracking_url(locked.reference, key)
        if email and locked.contact_email and not locked.anonymized_at:
            send_after_commit(
                to=[locked.contact_email],
                template="demandes/email/requester_new_link",
                context={"request": locked, "tracking_url": link},
            )
    request.tracking_key_hash = key_hash
    return link


def _reachable(queryset: object) -> object:
    return queryset.filter(anonymized_at__isnull=True)


def ask_again(*, contact: str) -> int:
    """Someone lost their link and gives the email or phone they left.

    An email address gets new links for its requests by email. A phone number cannot receive an email: the
    coordinators are told to call back, and give a new link from the request's page. Returns how many requests
    matched; the public page says the same whatever the number, so that nobody learns who asked for help.
    """
    contact = " ".join(contact.split())
    found = find_person(_reachable(Request.objects.all()), contact)
    if "@" in contact:
        found = [req for req in found if req.contact_email.lower() == contact.lower()]
        for req in found:
            reissue_link(request=req, actor=None, actor_label="Demande du demandeur (courriel)", email=True)
        return len(found)
    if found:
        send_after_commit(
            to=User.objects.coordinator_emails(),
            template="demandes/email/coordinator_callback",
            context={
                "phone": contact,
                "requests": [
                    (req, settings.SITE_URL + reverse("demandes:detail", kwargs={"reference": req.reference}))
                    for req in found
                ],
            },
        )
    return len(found)


@dataclass(frozen=True)
class NextStep:
    """What happens next for the person, who does it, and by when (``late``: the date has passed)."""

    text: str
    by: dt.datetime | None
    late: bool = False


def next_step(request: Request, *, accepted: Orientation | None, pending: Orientation | None) -> NextStep | None:
    """The tracking page's promise, from the request's state; None once it is closed."""
    now = timezone.now()
    answer_days = dt.timedelta(days=settings.REQUEST_ANSWER_DAYS)
    if request.status == Status.CLOSED:
        return None
    if accepted is not None:
        by = (accepted.responded_at or now) + answer_days
        return NextStep(f"{accepted.place.name} vous contacte pour convenir d'un rendez-vous.", by, by < now)
    if pending is not None:
        return NextStep(
            "Le lieu dit s'il peut vous aider. S'il ne le peut pas, la coordination cherche un autre lieu.",
            pending.expires_at,
            pending.expires_at < now,
        )
    by = request.created_at + answer_days
    return NextStep("La coordination lit votre demande et cherche le lieu qui peut vous aider.", by, by < now)
