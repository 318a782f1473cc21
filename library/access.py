"""Who may do what in the library, and reads that need a permission.

Mediators, partners and coordinators contribute (resources, posts, events, answer sheets); coordinators
moderate and publish; everyone reads what is published. A draft someone may not see is a 404, not a 403:
its existence is not announced.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from library.models import AnswerSheet, Event, EventStatus, Resource, ResourceStatus, SheetStatus

CONTRIBUTOR_ROLES = (Role.COORDINATOR, Role.MEDIATOR, Role.PARTNER)


def can_contribute(user: object) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(user.has_role(role) for role in CONTRIBUTOR_ROLES)


def can_moderate(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_coordinator)


def require_contributor(user: object) -> None:
    if not can_contribute(user):
        raise PermissionDenied


def require_moderator(user: object) -> None:
    if not can_moderate(user):
        raise PermissionDenied


def can_edit(user: object, item: Model) -> bool:
    """Coordinators edit everything; a contributor edits what they proposed."""
    if can_moderate(user):
        return True
    return can_contribute(user) and getattr(item, "created_by_id", None) == user.pk


def _visible(user: object, item: Model, *, public: bool) -> Model:
    if public or can_edit(user, item):
        return item
    raise Http404


def get_resource_for_reading(user: object, pk: int, queryset: QuerySet | None = None) -> Resource:
    resource = get_object_or_404(queryset if queryset is not None else Resource.objects.all(), pk=pk)
    return _visible(user, resource, public=resource.status == ResourceStatus.PUBLISHED)


def get_resource_for_edit(user: object, pk: int) -> Resource:
    resource = get_object_or_404(Resource.objects.all(), pk=pk)
    if not can_edit(user, resource):
        raise PermissionDenied
    return resource


def get_event_for_reading(user: object, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("place__commune"), pk=pk)
    return _visible(user, event, public=event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED))


def get_event_for_edit(user: object, pk: int) -> Event:
    event = get_object_or_404(Event.objects.all(), pk=pk)
    if not can_edit(user, event):
        raise PermissionDenied
    return event


def get_sheet_for_reading(user: object, slug: str) -> AnswerSheet:
    sheet = get_object_or_404(AnswerSheet.objects.select_related("reviewer"), slug=slug)
    # Contributors may read sheets waiting for review: reviewing them is their work too.
    return _visible(user, sheet, public=sheet.status == SheetStatus.PUBLISHED or can_contribute(user))


def get_sheet_for_edit(user: object, slug: str) -> AnswerSheet:
    sheet = get_object_or_404(AnswerSheet.objects.all(), slug=slug)
    if not can_edit(user, sheet):
        raise PermissionDenied
    return sheet
