"""Writes of the agenda: events, their publication, registrations with a cap and a waiting list."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from library import history
from library.access import can_contribute, can_edit, can_moderate
from library.actions import ActionRefused
from library.models import (
    ChangeAction,
    Event,
    EventStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)

TRACKED = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "location_note",
    "online",
    "online_url",
    "audiences",
    "themes",
    "registration",
    "registration_url",
    "capacity",
    "resources",
    "status",
)
SCALARS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "location_note",
    "online",
    "online_url",
    "registration",
    "registration_url",
    "capacity",
)
# Changing these makes calendars that subscribed replace their copy (RFC 5545 SEQUENCE).
CALENDAR_FIELDS = {"title", "description", "starts_at", "ends_at", "place", "location_note", "online_url", "status"}


@dataclass
class EventContent:
    title: str
    kind: str
    description: str
    starts_at: object
    ends_at: object
    place: object = None
    location_note: str = ""
    online: bool = False
    online_url: str = ""
    registration: str = RegistrationMode.NONE
    registration_url: str = ""
    capacity: int | None = None
    audiences: Sequence = ()
    themes: Sequence = ()
    resources: Sequence = ()


def _check(content: EventContent) -> None:
    if content.ends_at <= content.starts_at:
        raise ActionRefused("La fin doit venir après le début.")
    if content.place is None and not content.online and not content.location_note.strip():
        raise ActionRefused("Dites où a lieu l'événement : un lieu de l'annuaire, une adresse, ou en ligne.")
    if content.registration == RegistrationMode.LINK and not content.registration_url:
        raise ActionRefused("Donnez le lien d'inscription.")


def _apply(event: Event, content: EventContent) -> None:
    for name in SCALARS:
        value = getattr(content, name)
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    if event.registration != RegistrationMode.LINK:
        event.registration_url = ""
    if event.registration != RegistrationMode.SIMPLE:
        event.capacity = None


def _set_relations(event: Event, content: EventContent) -> None:
    event.audiences.set(content.audiences)
    event.themes.set(content.themes)
    event.resources.set(content.resources)


def create_event(*, actor: User, content: EventContent) -> Event:
    if not can_contribute(actor):
        raise PermissionDenied
    _check(content)
    with transaction.atomic():
        event = Event(created_by=actor, status=EventStatus.DRAFT)
        _apply(event, content)
        event.save()
        _set_relations(event, content)
        history.record(
            target=event, actor=actor, action=ChangeAction.CREATE, before=None, after=history.snapshot(event, TRACKED)
        )
        send_after_commit(
            to=User.objects.coordinator_emails(),
            template="library/email/event_to_publish",
            context={"event": event, "actor": actor, "url": settings.SITE_URL + reverse("library:moderation")},
        )
    return event


def update_event(*, event: Event, actor: User, content: EventContent) -> Event:
    if not can_edit(actor, event):
        raise PermissionDenied
    _check(content)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        before = history.snapshot(locked, TRACKED)
        _apply(locked, content)
        locked.save()
        _set_relations(locked, content)
        after = history.snapshot(locked, TRACKED)
        change = history.record(target=locked, actor=actor, action=ChangeAction.EDIT, before=before, after=after)
        if change is not None and CALENDAR_FIELDS & set(change.fields):
            Event.objects.filter(pk=locked.pk).update(sequence=F("sequence") + 1)
            locked.refresh_from_db(fields=["sequence"])
        if locked.registration == RegistrationMode.SIMPLE:
            _promote_waiting(locked)
    return locked


def _set_status(event: Event, *, actor: User, status: str, action: str, note: str = "") -> Event:
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == status:
            raise ActionRefused("Cet événement est déjà dans cet état.")
        before = history.snapshot(locked, ("status",))
        locked.status = status
        locked.sequence += 1
        fields = ["status", "sequence", "updated_at"]
        if status == EventStatus.PUBLISHED:
            locked.published_at, locked.published_by = timezone.now(), actor
            fields += ["published_at", "published_by"]
        locked.save(update_fields=fields)
        history.record(
            target=locked,
            actor=actor,
            action=action,
            before=before,
            after=history.snapshot(locked, ("status",)),
            note=note,
        )
        if status == EventStatus.CANCELLED:
            emails = list(locked.registrations.active().values_list("email", flat=True))
            send_after_commit(
                to=emails,
                template="library/email/event_cancelled",
                context={"event": locked, "note": note, "url": settings.SITE_URL + locked.get_absolute_url()},
            )
    return locked


def publish_event(*, event: Event, actor: User) -> Event:
    return _set_status(event, actor=actor, status=EventStatus.PUBLISHED, action=ChangeAction.PUBLISH)


def cancel_event(*, event: Event, actor: User, note: str = "") -> Event:
    """An announced event that will not take place: it stays listed, marked cancelled, and registrants are told."""
    return _set_status(event, actor=actor, status=EventStatus.CANCELLED, action=ChangeAction.CANCEL, note=note)


def _cancel_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("library:registration_cancel", kwargs={"token": registration.token})


def register(*, event: Event, name: str, email: str, user: User | None = None) -> Registration:
    """A seat if one is free, else a place on the waiting list; the person is emailed either way."""
    email = email.strip().lower()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not locked.takes_registrations:
            raise ActionRefused("Les inscriptions à cet événement sont fermées.")
        if locked.registrations.active().filter(email=email).exists():
            raise ActionRefused("Cette adresse est déjà inscrite à cet événement.")
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        full = locked.capacity is not None and confirmed >= locked.capacity
        registration = Registration.objects.create(
            event=locked,
            name=name.strip(),
            email=email,
            user=user if user is not None and user.is_authenticated else None,
            status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
        )
        send_after_commit(
            to=[email],
            template="library/email/registration",
            context={
                "event": locked,
                "registration": registration,
                "url": settings.SITE_URL + locked.get_absolute_url(),
                "cancel_url": _cancel_url(registration),
            },
        )
    return registration


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill freed seats from the waiting list, first come first served. Called with the event locked."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if free <= 0:
            return []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")
    promoted = list(waiting if free is None else waiting[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status, registration.promoted_at = RegistrationStatus.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        send_after_commit(
            to=[registration.email],
            template="library/email/registration_promoted",
            context={
                "event": event,
                "registration": registration,
                "url": settings.SITE_URL + event.get_absolute_url(),
                "cancel_url": _cancel_url(registration),
            },
        )
    return promoted


def cancel_registration(*, token: str) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.filter(token=token).select_related("event").first()
        if registration is None:
            raise ActionRefused("Ce lien d'inscription n'est pas valable.")
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if was_confirmed and not event.is_past and event.status == EventStatus.PUBLISHED:
            _promote_waiting(event)
    return registration
