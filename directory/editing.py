"""Writes made by the people who keep a place's record: creations, edits, confirmations, closings.

Each is one function, in a transaction, recording who acted and, field by
field, what changed. An edit by the place's own people also confirms the
record: someone who knows the place just looked at all of it. Each write
also says, part by part, who set the record (directory/provenance.py).
"""

import datetime as dt

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone

from accounts.models import User
from directory import history, index, provenance
from directory.models import ChangeKind, Place, PlaceChange, PlaceStatus


def verifier_label(user: User) -> str:
    """Who vouches for the record, as shown publicly: an organisation, never a person's name."""
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    if membership:
        return membership.organisation.name
    return "la coordination" if user.is_coordinator else "le gestionnaire du lieu"


def acting_as(user: User, place: Place) -> str:
    """Whether the person speaks for the place (one of its managers) or for the coordination."""
    if place.pk and place.managers.filter(pk=user.pk).exists():
        return provenance.By.PLACE
    return provenance.By.COORDINATION if user.is_coordinator else provenance.By.PLACE


def _mark_verified(place: Place, actor: User, *, on: dt.date | None = None) -> None:
    place.date_maj = on or timezone.localdate()
    place.verified = True
    place.verified_by = verifier_label(actor)
    place.reminder_count = 0
    place.reminded_at = None


def _seen_parts(form: ModelForm, place: Place) -> set[str]:
    parts = provenance.parts_of(form.fields) | {"equipment"}
    if place.is_itinerant:
        parts.add("stops")
    return parts


def update_place(
    *,
    place: Place,
    actor: User,
    form: ModelForm,
    equipment: BaseInlineFormSet,
    stops: BaseInlineFormSet,
) -> PlaceChange | None:
    """Save the edit form and its formsets; return the recorded change (None if nothing moved).

    The place's own people declare every part they saw; a coordinator vouches for what they changed.
    """
    with transaction.atomic(), index.deferred():
        Place.objects.select_for_update().filter(pk=place.pk).first()
        by = acting_as(actor, place)
        before = history.snapshot(place.pk)
        place = form.save(commit=False)
        _mark_verified(place, actor)
        place.save()
        form.save_m2m()
        equipment.save()
        stops.save()
        # The place's own people saw the whole list and kept it: every machine on it is now confirmed.
        place.equipment.filter(verified=False).update(verified=True)
        index.refresh([place.pk])
        after = history.snapshot(place.pk)
        moved = history.diff(before, after)
        parts = _seen_parts(form, place) if by == provenance.By.PLACE else provenance.parts_of(moved)
        place.field_provenance = provenance.mark(place.field_provenance, parts, by=by, on=timezone.localdate())
        place.save(update_fields=["field_provenance", "updated_at"])
        if place.status == PlaceStatus.CLOSED and before.get("status") != PlaceStatus.CLOSED:
            _return_orientations(place, actor, place.status_note or "fermé définitivement")
        return history.record_change(place=place, actor=actor, kind=ChangeKind.EDIT, before=before, after=after)


def confirm_place(*, place: Place, actor: User) -> PlaceChange:
    """ "Tout est à jour": the record is right as it stands."""
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        before = history.snapshot(locked.pk)
        _mark_verified(locked, actor)
        locked.field_provenance = provenance.mark(
            locked.field_provenance, provenance.PARTS, by=acting_as(actor, locked), on=timezone.localdate()
        )
        locked.save(
            update_fields=[
                "date_maj",
                "verified",
                "verified_by",
                "reminder_count",
                "reminded_at",
                "field_provenance",
                "updated_at",
            ]
        )
        if locked.equipment.filter(verified=False).update(verified=True):
            index.refresh([locked.pk])
        change = history.record_change(
            place=locked, actor=actor, kind=ChangeKind.CONFIRM, before=before, after=history.snapshot(locked.pk)
        )
        assert change is not None  # a confirmation is always recorded
        return change


def create_place(
    *,
    actor: User,
    form: ModelForm,
    equipment: BaseInlineFormSet,
    stops: BaseInlineFormSet,
    by: str = provenance.By.COORDINATION,
    on: dt.date | None = None,
    verified_by: str = "",
) -> Place:
    """A new place, from the place's form; its parts are the coordination's (or the proposer's, ``by``)."""
    on = on or timezone.localdate()
    with transaction.atomic(), index.deferred():
        place = form.save(commit=False)
        _mark_verified(place, actor, on=on)
        if verified_by:
            place.verified_by = verified_by
        place.save()
        form.save_m2m()
        equipment.instance = place
        equipment.save()
        stops.instance = place
        stops.save()
        place.equipment.filter(verified=False).update(verified=True)
        place.field_provenance = provenance.mark({}, _seen_parts(form, place), by=by, on=on)
        place.save(update_fields=["field_provenance", "updated_at"])
        index.refresh([place.pk])
        empty = {name: None for name in history.TRACKED}
        history.record_change(
            place=place, actor=actor, kind=ChangeKind.CREATE, before=empty, after=history.snapshot(place.pk)
        )
        return place


def close_place(*, place: Place, actor: User, reason: str, on: dt.date) -> Place:
    """Closed for good, from ``on``, for ``reason``: its open orientations go back to the coordinators' queue."""
    with transaction.atomic(), index.deferred():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        if locked.status == PlaceStatus.CLOSED:
            raise ValueError("Ce lieu est déjà fermé définitivement.")
        before = history.snapshot(locked.pk)
        locked.status = PlaceStatus.CLOSED
        locked.status_date = on
        locked.status_note = reason.strip()[:300]
        _mark_verified(locked, actor)
        locked.field_provenance = provenance.mark(
            locked.field_provenance, ["status"], by=acting_as(actor, locked), on=timezone.localdate()
        )
        locked.save()
        index.refresh([locked.pk])
        _return_orientations(locked, actor, locked.status_note)
        history.record_change(
            place=locked,
            actor=actor,
            kind=ChangeKind.CLOSE,
            before=before,
            after=history.snapshot(locked.pk),
            note=locked.status_note,
        )
        return locked


def _return_orientations(place: Place, actor: User, reason: str) -> None:
    # The requests app owns its transitions; a closing only asks it to take the place's orientations back.
    from demandes.transitions import return_from_closed_place

    return_from_closed_place(place=place, actor=actor, note=reason)
