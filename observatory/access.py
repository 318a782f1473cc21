"""Who reads the observatory, and how much of it: coordinators every figure, partners and the public counts
protected by the small-count rule (observatory/privacy.py)."""

import enum

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User


class Audience(enum.Enum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    PUBLIC = "public"

    @property
    def sees_exact_counts(self) -> bool:
        return self is Audience.COORDINATOR


def audience_of(user: User) -> Audience:
    if user.is_authenticated and user.is_active:
        if user.is_coordinator:
            return Audience.COORDINATOR
        if user.has_role(Role.PARTNER):
            return Audience.PARTNER
    return Audience.PUBLIC


def require_observer(user: User) -> Audience:
    """Coordinators and partners read the dashboards; anyone else is refused."""
    audience = audience_of(user)
    if audience is Audience.PUBLIC:
        raise PermissionDenied
    return audience
