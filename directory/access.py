"""Reads that need a permission: fetch with what the page needs, or refuse."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import User
from directory.models import ErrorReport, Place


def can_edit_place(user: User, place: Place) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_coordinator:
        return True
    return user.is_place_manager and place.managers.filter(pk=user.pk).exists()


def get_place_for_edit(user: User, pk: int) -> Place:
    """The place, if this user may change it: coordinators any, managers their own, nobody else."""
    place = get_object_or_404(Place.objects.select_related("commune", "operator"), pk=pk)
    if not can_edit_place(user, place):
        raise PermissionDenied
    return place


def require_coordinator(user: User) -> None:
    if not (user.is_authenticated and user.is_coordinator):
        raise PermissionDenied


def get_report_for_coordinator(user: User, pk: int) -> ErrorReport:
    require_coordinator(user)
    return get_object_or_404(ErrorReport.objects.select_related("place__commune", "handled_by"), pk=pk)
