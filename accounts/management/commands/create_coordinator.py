"""Make a coordinator in one command: the coordinating organisation is created if there is none, and the person
gets a link to choose a password (printed here, and emailed through the outbox)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from aiguillage.mail import send_after_commit


def coordination_organisation(name: str = "") -> tuple[Organisation, bool]:
    """The organisation coordinators belong to: the one named, else the one that already has coordinators, else a
    new one named after the legal publisher (the Département by default)."""
    if name:
        return Organisation.objects.get_or_create(name=name, defaults={"kind": OrganisationKind.LOCAL_AUTHORITY})
    existing = Organisation.objects.filter(memberships__role=Role.COORDINATOR).order_by("pk").first()
    if existing is not None:
        return existing, False
    return Organisation.objects.get_or_create(
        name=settings.LEGAL_PUBLISHER, defaults={"kind": OrganisationKind.LOCAL_AUTHORITY}
    )


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


class Command(BaseCommand):
    help = (
        "Crée un compte de coordinateur (et l'organisation de coordination s'il n'y en a pas) ; "
        "affiche et envoie le lien pour choisir son mot de passe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse électronique du coordinateur.")
        parser.add_argument("--nom", default="", help="Nom complet affiché (facultatif).")
        parser.add_argument(
            "--organisation", default="", help="Nom de l'organisation de coordination (par défaut : LEGAL_PUBLISHER)."
        )
        parser.add_argument(
            "--administration", action="store_true", help="Donne aussi l'accès complet à l'administration (/admin/)."
        )

    def handle(
        self, *args: object, email: str, nom: str, organisation: str, administration: bool, **options: object
    ) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n'est pas une adresse électronique valide.") from None
        with transaction.atomic():
            found, org_created = coordination_organisation(organisation.strip())
            user = User.objects.filter(email=email).first()
            user_created = user is None
            if user is None:
                user = User.objects.create_user(email, None, full_name=nom.strip())
            elif nom.strip():
                user.full_name = nom.strip()
            if administration:
                user.is_staff = user.is_superuser = True
            user.is_active = True
            user.save()
            Membership.objects.get_or_create(user=user, organisation=found, role=Role.COORDINATOR)
            link = set_password_url(user)
            send_after_commit(
                to=[user.email],
                template="accounts/email/coordinator_welcome",
                context={
                    "user": user,
                    "organisation": found,
                    "url": link,
                    "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
            )
        if org_created:
            self.stdout.write(f"Organisation de coordination créée : {found.name}.")
        self.stdout.write(
            f"{'Compte créé' if user_created else 'Compte existant'} : {user.email}, coordinateur de {found.name}"
            + (", avec l'accès à l'administration." if administration else ".")
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(f"Lien pour choisir le mot de passe (valable {hours} h, envoyé aussi par courriel) :")
        self.stdout.write(link)
