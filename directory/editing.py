"""Writes made by the people who keep a place's record: edits and confirmations.

Each is one function, in a transaction, recording who acted and, field by
field, what changed. An edit by the place's own people also confirms the
record: someone who knows the place just looked at all of it.
"""

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone

from accounts.models import User
from directory import history, index
from directory.models import ChangeKind, Place, PlaceChange


def verifier_label(user: User) -> str:
    """Who vouches for the record, as shown publicly: an organisation, never a person's name."""
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    if membership:
        return membership.organisation.name
    return "la coordination" if user.is_coordinator else "le gestionnaire du lieu"


def _mark_verified(place: Place, actor: User) -> None:
    place.date_maj = timezone.localdate()
    place.verified = True
    place.verified_by = verifier_label(actor)
    place.reminder_count = 0
    place.reminded_at = None


def update_place(
    *,
    place: Place,
    actor: User,
    form: ModelForm,
    equipment: BaseInlineFormSet,
    stops: BaseInlineFormSet,
) -> PlaceChange | None:
    """Save the edit form and its formsets; return the recorded change (None if nothing moved)."""
    with transaction.atomic(), index.deferred():
        Place.objects.select_for_update().filter(pk=place.pk).first()
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
        return history.record_change(place=place, actor=actor, kind=ChangeKind.EDIT, before=before, after=after)


def confirm_place(*, place: Place, actor: User) -> PlaceChange:
    """ "Tout est à jour": the record is right as it stands."""
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        before = history.snapshot(locked.pk)
        _mark_verified(locked, actor)
        locked.save(
            update_fields=["date_maj", "verified", "verified_by", "reminder_count", "reminded_at", "updated_at"]
        )
        if locked.equipment.filter(verified=False).update(verified=True):
            index.refresh([locked.pk])
        change = history.record_change(
            place=locked, actor=actor, kind=ChangeKind.CONFIRM, before=before, after=history.snapshot(locked.pk)
        )
        assert change is not None  # a confirmation is always recorded
        return change
