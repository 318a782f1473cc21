"""Taking in a need: one function for the form, the mediator and the API alike."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from accounts.models import Organisation, User
from demandes import notifications, suggestions
from demandes.links import tracking_url
from demandes.models import Channel, EventKind, NeedCategory, Request, RequestEvent, RequestNeed, Status
from demandes.references import new_tracking_key, next_reference
from directory.models import Term
from territory.models import Commune


@dataclass
class Created:
    request: Request
    tracking_key: str

    @property
    def tracking_url(self) -> str:
        return tracking_url(self.request.reference, self.tracking_key)

    @property
    def tracking_path(self) -> str:
        return reverse("demandes:track", kwargs={"reference": self.request.reference, "key": self.tracking_key})


# What the public form and the mediator's form both ask, under the names create_request takes.
FORM_FIELDS = (
    "description",
    "commune",
    "audience",
    "situations",
    "quantity",
    "accessibility_needs",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent",
)


def form_fields(data: dict) -> dict:
    """The cleaned data of an intake form, as create_request takes it."""
    return {name: data[name] for name in FORM_FIELDS}


def create_request(
    *,
    description: str,
    commune: Commune,
    channel: str,
    audience: str = "individual",
    situations: Sequence[Term] = (),
    quantity: int = 1,
    accessibility_needs: Sequence[Term] = (),
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    consent: bool = False,
    recorded_by: User | None = None,
    organisation: Organisation | None = None,
    note: str = "",
    needs: Sequence[NeedCategory] | None = None,
) -> Created:
    """Record the request, find its needs in the text (unless given), and check whether any place can answer."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    with transaction.atomic():
        key, key_hash = new_tracking_key()
        request = Request.objects.create(
            reference=next_reference(commune),
            tracking_key_hash=key_hash,
            channel=channel,
            description=description.strip(),
            commune=commune,
            audience=audience,
            quantity=max(1, quantity),
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip().lower(),
            contact_phone=contact_phone.strip(),
            consent=consent,
            recorded_by=recorded_by,
            organisation=organisation,
        )
        request.situations.set(situations)
        request.accessibility_needs.set(accessibility_needs)
        RequestEvent.objects.create(
            request=request,
            kind=EventKind.CREATED,
            actor=recorded_by,
            actor_label=organisation.name if organisation else "",
            to_status=Status.NEW,
            note=(Channel(channel).label + (f". {note.strip()}" if note.strip() else "")),
        )
        if needs is None:
            found = suggestions.qualify(request.description)
            links = [
                RequestNeed(request=request, category=category, evidence=list(evidence)) for category, evidence in found
            ]
        else:
            links = [RequestNeed(request=request, category=category, by_coordinator=True) for category in needs]
        RequestNeed.objects.bulk_create(links)
        if links:
            request.status = Status.QUALIFIED
            request.version += 1
            RequestEvent.objects.create(
                request=request,
                kind=EventKind.QUALIFIED,
                from_status=Status.NEW,
                to_status=Status.QUALIFIED,
                actor_label="Qualification automatique",
                note="Besoins : " + ", ".join(link.category.label for link in links),
            )
            result = suggestions.for_request(request)
            request.unmet = result.unmet
            request.save(update_fields=["status", "version", "unmet"])
        notifications.new_request(request)
        notifications.request_received(request, tracking_url(request.reference, key))
    return Created(request=request, tracking_key=key)
