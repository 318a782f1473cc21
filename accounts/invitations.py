"""Invitations: a coordinator invites someone by email with a signed link that expires."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, Role, User
from aiguillage.mail import send_after_commit

SALT = "accounts.invitation"


class InvitationError(Exception):
    """Why an invitation link cannot be used, in French for the person holding it."""


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:accept_invitation", kwargs={"token": make_token(invitation)})


def read_token(token: str) -> Invitation:
    max_age = dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationError(
            "Ce lien d'invitation a expiré. Demandez à la personne qui vous a invité de vous en envoyer un nouveau."
        ) from None
    except signing.BadSignature:
        raise InvitationError("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet.") from None
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=payload.get("id"), email=payload.get("email"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError("Cette invitation a été annulée.")
    if invitation.accepted_at is not None:
        raise InvitationError("Cette invitation a déjà été acceptée. Connectez-vous avec votre adresse.")
    return invitation


def invite(
    *, email: str, organisation: Organisation, role: str, places: list | tuple = (), invited_by: User
) -> Invitation:
    """Record an invitation and email its link once the transaction commits."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(), organisation=organisation, role=role, invited_by=invited_by
        )
        invitation.places.set(places)
        send_after_commit(
            to=[invitation.email],
            template="accounts/email/invitation",
            context={
                "invitation": invitation,
                "url": invitation_url(invitation),
                "role": Role(role).label,
                "places": list(places),
                "inviter": invited_by,
                "days": settings.INVITATION_MAX_AGE_DAYS,
            },
        )
    return invitation


def accept(*, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = "") -> User:
    """Create the account (or use the logged-in one), its membership and the places it manages."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationError("Cette invitation a déjà été acceptée. Connectez-vous avec votre adresse.")
        if user is None:
            if get_user_model().objects.filter(email=locked.email).exists():
                raise InvitationError("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
            user = get_user_model().objects.create_user(locked.email, password, full_name=full_name)
        elif user.email != locked.email:
            raise InvitationError(
                "Cette invitation est adressée à une autre adresse que celle de votre compte. "
                "Déconnectez-vous, puis ouvrez le lien à nouveau."
            )
        Membership.objects.get_or_create(user=user, organisation=locked.organisation, role=locked.role)
        if locked.role == Role.PLACE_MANAGER:
            user.managed_places.add(*locked.places.all())
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return user
