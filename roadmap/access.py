"""Who may read and write the roadmap: coordinators own it, partners propose and comment, the public reads."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from roadmap.models import ActionSheet, Roadmap


def can_contribute(user: User) -> bool:
    return user.is_authenticated and (user.is_coordinator or user.has_role(Role.PARTNER))


def can_own(user: User) -> bool:
    return user.is_authenticated and user.is_coordinator


def readable_roadmap(user: User, slug: str) -> Roadmap:
    roadmap = get_object_or_404(Roadmap, slug=slug)
    if not roadmap.is_public and not can_contribute(user):
        raise Http404("Feuille de route non publiée")
    return roadmap


def readable_sheet(user: User, slug: str, code: str) -> ActionSheet:
    roadmap = readable_roadmap(user, slug)
    return get_object_or_404(ActionSheet.objects.select_related("roadmap", "axis", "pilot"), roadmap=roadmap, code=code)


def require_contributor(user: User) -> None:
    if not can_contribute(user):
        raise PermissionDenied


def require_owner(user: User) -> None:
    if not can_own(user):
        raise PermissionDenied
