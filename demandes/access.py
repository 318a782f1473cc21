"""Who may see a request, and its requester's contact details; every view of those is logged."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from demandes.models import ContactView, Orientation, Request


def requests_for_coordinator(user: User) -> QuerySet:
    if not (user.is_authenticated and user.is_coordinator):
        raise PermissionDenied
    return Request.objects.select_related("commune__epci", "assigned_to", "recorded_by", "closure_reason")


def get_request_for_coordinator(user: User, reference: str) -> Request:
    return get_object_or_404(requests_for_coordinator(user), reference=reference)


def get_request_for_mediator(user: User, reference: str) -> Request:
    """A mediator sees the requests they recorded; a coordinator sees all."""
    if user.is_authenticated and user.is_coordinator:
        return get_request_for_coordinator(user, reference)
    request = get_object_or_404(Request.objects.select_related("commune"), reference=reference)
    if not (user.is_authenticated and request.recorded_by_id == user.pk):
        raise PermissionDenied
    return request


def get_orientation_for_manager(user: User, pk: int) -> Orientation:
    orientation = get_object_or_404(
        Orientation.objects.select_related("request__commune", "place__commune", "decline_reason"), pk=pk
    )
    if not (user.is_authenticated and (user.is_coordinator or orientation.place.managers.filter(pk=user.pk).exists())):
        raise PermissionDenied
    return orientation


def may_see_contact(user: User | None, request: Request, *, orientation: Orientation | None = None) -> bool:
    """Coordinators, the mediator who recorded it, and a place the request was sent to (once it accepted)."""
    if request.anonymized_at is not None:
        return False
    if orientation is not None:
        return orientation.request_id == request.pk and orientation.status in ("accepted", "done")
    if user is None or not user.is_authenticated:
        return False
    return user.is_coordinator or request.recorded_by_id == user.pk


def log_contact_view(
    request: Request, *, viewer: User | None, viewer_label: str = "", context: str, ip: str = ""
) -> None:
    ContactView.objects.create(
        request=request,
        viewer=viewer if viewer and viewer.is_authenticated else None,
        viewer_label=viewer_label,
        context=context,
        ip=ip or None,
    )
