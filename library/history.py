"""The history of the library's records: what each write changed, field by field, and who made it."""

from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.models import User
from library.models import ChangeAction, LibraryChange

Snapshot = dict[str, str]


def _text(instance: models.Model, field: models.Field) -> str:
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(instance, field.name).all()))
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    value = getattr(instance, field.name)
    if isinstance(field, models.FileField):
        return getattr(instance, "file_name", "") or (value.name if value else "")
    if isinstance(field, models.BooleanField):
        return "oui" if value else "non"
    if isinstance(field, models.DateTimeField) and value is not None:
        from django.utils import timezone

        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    return "" if value is None else str(value)


def snapshot(instance: models.Model, fields: Sequence[str]) -> Snapshot:
    meta = instance._meta
    return {name: _text(instance, meta.get_field(name)) for name in fields}


def record(
    *,
    target: models.Model,
    actor: User | None,
    action: str,
    before: Snapshot | None,
    after: Snapshot,
    note: str = "",
) -> LibraryChange | None:
    """Store what moved. An edit that changed nothing is not recorded; other actions always are."""
    meta = target._meta
    changed = {
        name: {"label": str(meta.get_field(name).verbose_name), "before": (before or {}).get(name, ""), "after": value}
        for name, value in after.items()
        if before is None or before.get(name, "") != value
    }
    if action == ChangeAction.EDIT and not changed:
        return None
    if before is None:
        changed = {name: change for name, change in changed.items() if change["after"]}
    return LibraryChange.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        fields=changed,
        note=note[:300],
    )


def changes_of(target: models.Model) -> Iterable[LibraryChange]:
    return LibraryChange.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")
