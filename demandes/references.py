"""Readable references (58-2026-00042) and the secret of each private tracking link."""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from demandes.models import ReferenceCounter, Request
from territory.models import Commune


def next_reference(commune: Commune) -> str:
    """The next reference for the commune's département and the current year; call inside a transaction.

    The counter is only a hint: the number also follows the highest reference already stored, so that a
    database restored from an older dump (with an older counter, or none) never gives a number twice.
    """
    prefix = f"{commune.departement_code}-{timezone.localdate().year}"
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix)
        counter.last = max(counter.last, highest_number(prefix)) + 1
        counter.save(update_fields=["last"])
    width = settings.REQUEST_REFERENCE_DIGITS
    return f"{prefix}-{counter.last:0{width}d}"


def highest_number(prefix: str) -> int:
    """The highest number stored under prefix ("58-2026"), 0 if none; longer numbers are higher."""
    last = (
        Request.objects.filter(reference__startswith=f"{prefix}-")
        .annotate(length=Length("reference"))
        .order_by("-length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    if last is None:
        return 0
    suffix = last.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def new_tracking_key() -> tuple[str, str]:
    """A fresh secret for a tracking link and the hash we keep of it (the secret itself is never stored)."""
    key = secrets.token_urlsafe(18)
    return key, hash_key(key)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
