"""Taking in a need: one function for the form, the mediator and the API alike."""

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from accounts.models import Organisation, User
from aiguillage import outbox, rows
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
    # The needs written with it, their categories loaded: what the API's answer lists.
    need_links: Sequence[RequestNeed] = ()

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


@dataclass(frozen=True)
class Prepared:
    """A request as it will be written: its text and answers checked, its needs found, its routing known.

    Building it reads the database but writes nothing, so that callers holding a transaction open for
    other reasons (the API's idempotency record) prepare first and keep the transaction to the inserts.
    """

    description: str
    commune: Commune
    channel: str
    audience: str
    situations: Sequence[Term]
    quantity: int
    accessibility_needs: Sequence[Term]
    contact_name: str
    contact_email: str
    contact_phone: str
    consent: bool
    recorded_by: User | None
    organisation: Organisation | None
    note: str
    found: Sequence[tuple[NeedCategory, list[str] | None]]
    unmet: bool


def prepare_request(
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
) -> Prepared:
    """Find the request's needs in the text (unless given) and whether any place can answer; write nothing."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    description = description.strip()
    quantity = max(1, quantity)
    # Read once: a queryset here would be compiled again at each test of whether it is empty.
    situations, accessibility_needs = tuple(situations), tuple(accessibility_needs)
    found: list[tuple[NeedCategory, list[str] | None]]
    if needs is None:
        found = [(category, list(evidence)) for category, evidence in suggestions.qualify(description)]
    else:
        found = [(category, None) for category in needs]
    unmet = False
    if found:
        unmet = suggestions.unmet_for(
            need_categories=[category for category, _ in found],
            commune=commune,
            audience=audience,
            quantity=quantity,
            accessibility_codes=[term.code for term in accessibility_needs],
        )
    return Prepared(
        description=description,
        commune=commune,
        channel=channel,
        audience=audience,
        situations=situations,
        quantity=quantity,
        accessibility_needs=accessibility_needs,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        contact_phone=contact_phone.strip(),
        consent=consent,
        recorded_by=recorded_by,
        organisation=organisation,
        note=note,
        found=found,
        unmet=unmet,
    )


def create_request(**answers: Any) -> Created:
    """Record the request, find its needs in the text (unless given), and check whether any place can answer.

    Takes prepare_request's arguments. Qualification and routing read only the text and the answers, not
    the row: they run before the write transaction, so that concurrent submissions hold the database's
    locks for the few inserts alone.
    """
    return record_request(prepare_request(**answers))


def record_request(prepared: Prepared) -> Created:
    """Write a prepared request, its needs and its history, and what its emails are built from: one statement
    on PostgreSQL (aiguillage.rows), one transaction on SQLite."""
    found, recorded_by, organisation, note = prepared.found, prepared.recorded_by, prepared.organisation, prepared.note
    key, key_hash = new_tracking_key()
    # The one statement is atomic by itself; the lists of answers, when given, are written after it, with it.
    alone = rows.together_in_one_statement() and not (prepared.situations or prepared.accessibility_needs)
    # No savepoint when a caller's transaction is open (the API's): an error here undoes that transaction anyway.
    with nullcontext() if alone else transaction.atomic(savepoint=False):
        request = Request(
            pk=rows.new_pk(Request),
            reference=next_reference(prepared.commune),
            tracking_key_hash=key_hash,
            channel=prepared.channel,
            description=prepared.description,
            commune=prepared.commune,
            audience=prepared.audience,
            quantity=prepared.quantity,
            contact_name=prepared.contact_name,
            contact_email=prepared.contact_email,
            contact_phone=prepared.contact_phone,
            consent=prepared.consent,
            recorded_by=recorded_by,
            organisation=organisation,
            status=Status.QUALIFIED if found else Status.NEW,
            version=2 if found else 1,
            unmet=prepared.unmet,
        )
        events = [
            RequestEvent(
                request=request,
                kind=EventKind.CREATED,
                actor=recorded_by,
                actor_label=organisation.name if organisation else "",
                to_status=Status.NEW,
                note=(Channel(prepared.channel).label + (f". {note.strip()}" if note.strip() else "")),
            )
        ]
        links = [
            RequestNeed(request=request, category=category, evidence=evidence)
            if evidence is not None
            else RequestNeed(request=request, category=category, by_coordinator=True)
            for category, evidence in found
        ]
        if links:
            events.append(
                RequestEvent(
                    request=request,
                    kind=EventKind.QUALIFIED,
                    from_status=Status.NEW,
                    to_status=Status.QUALIFIED,
                    actor_label="Qualification automatique",
                    note="Besoins : " + ", ".join(link.category.label for link in links),
                )
            )
        emails = notifications.request_created(request, tracking_url(request.reference, key))
        rows.insert_together([request], links, events, [emails])
        outbox.written(emails)
        if prepared.situations:
            request.situations.set(prepared.situations)
        if prepared.accessibility_needs:
            request.accessibility_needs.set(prepared.accessibility_needs)
    return Created(request=request, tracking_key=key, need_links=links)
