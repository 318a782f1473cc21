"""Who may write the catalogue: coordinators any scheme, partners their organisation's; anyone reads what is public."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Organisation, Role, User
from funding.models import Scheme


def can_write(user: User | AnonymousUser) -> bool:
    """Coordinators and partners write and publish schemes."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_coordinator or user.has_role(Role.PARTNER)


def partner_organisations(user: User) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__role=Role.PARTNER).distinct().order_by("pk")
    )


def can_edit(user: User | AnonymousUser, scheme: Scheme) -> bool:
    if not can_write(user):
        return False
    assert isinstance(user, User)
    if user.is_coordinator:
        return True
    if scheme.created_by_id == user.pk:
        return True
    return scheme.organisation_id is not None and any(
        organisation.pk == scheme.organisation_id for organisation in partner_organisations(user)
    )


def require_writer(user: User | AnonymousUser) -> None:
    if not can_write(user):
        raise PermissionDenied


def get_scheme_for_edit(user: User | AnonymousUser, pk: int) -> Scheme:
    require_writer(user)
    scheme = get_object_or_404(Scheme.objects.select_related("parent", "organisation"), pk=pk)
    if not can_edit(user, scheme):
        raise PermissionDenied
    return scheme


def get_scheme_for_reading(user: User | AnonymousUser, pk: int) -> Scheme:
    """A public scheme for anyone; a draft only for those who may edit it (others get a 404, as if it did not exist)."""
    scheme = get_object_or_404(Scheme.objects.select_related("parent", "organisation"), pk=pk)
    if not scheme.is_public and not can_edit(user, scheme):
        raise Http404
    return scheme
