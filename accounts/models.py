import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.validators import validate_rna, validate_siret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def coordinator_emails(self) -> list[str]:
        """Where mail for "the coordination" goes: every active person with the coordinator role."""
        return list(
            self.filter(is_active=True, memberships__role=Role.COORDINATOR).values_list("email", flat=True).distinct()
        )

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address."""

    email = models.EmailField("adresse électronique", unique=True)
    full_name = models.CharField("nom complet", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, role: str) -> bool:
        if not self.is_authenticated or not self.is_active:
            return False
        roles = getattr(self, "_roles_cache", None)
        if roles is None:
            roles = set(self.memberships.values_list("role", flat=True))
            self._roles_cache = roles
        return role in roles

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or self.has_role(Role.COORDINATOR)

    @property
    def is_mediator(self) -> bool:
        return self.has_role(Role.MEDIATOR)

    @property
    def is_place_manager(self) -> bool:
        return self.has_role(Role.PLACE_MANAGER)


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Collectivité"
    ASSOCIATION = "association", "Association"
    COMPANY = "company", "Entreprise"
    CHAMBER = "chamber", "Chambre consulaire"
    STATE_SERVICE = "state_service", "Service de l'État"
    PUBLIC_INSTITUTION = "public_institution", "Établissement public"


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=30, choices=OrganisationKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField("RNA", max_length=10, blank=True, validators=[validate_rna])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.UniqueConstraint(fields=["siret"], condition=~models.Q(siret=""), name="unique_organisation_siret"),
            models.UniqueConstraint(fields=["rna"], condition=~models.Q(rna=""), name="unique_organisation_rna"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinateur"
    MEDIATOR = "mediator", "Médiateur"
    PLACE_MANAGER = "place_manager", "Gestionnaire de lieu"
    PARTNER = "partner", "Partenaire"


class Membership(models.Model):
    """A person's role within an organisation. A person may belong to several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "appartenance"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    email = models.EmailField("adresse électronique")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    places = models.ManyToManyField("directory.Place", blank=True, related_name="+", verbose_name="lieux gérés")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="invité par"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"
        constraints = [models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_valid")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A secret that lets an organisation's tool write to the API. Only its hash is kept."""

    PREFIX = "aig_"
    # What the admin shows to recognise a token: "aig_" and the first characters of the secret.
    SHOWN_LENGTH = 12

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="organisation"
    )
    name = models.CharField(
        "nom", max_length=100, help_text="Pour s'y retrouver : l'outil ou le partenaire qui l'utilise."
    )
    prefix = models.CharField("début du jeton", max_length=SHOWN_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
        editable=False,
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.prefix = key[: self.SHOWN_LENGTH]
        self.key_hash = self.hash_key(key)

    @classmethod
    def issue(
        cls, *, organisation: Organisation, name: str, created_by: "User | None" = None
    ) -> tuple["ApiToken", str]:
        """Create a token; return it with its secret, which is shown once and never stored."""
        key = cls.generate_key()
        token = cls(organisation=organisation, name=name.strip(), created_by=created_by)
        token.set_key(key)
        token.save()
        return token, key

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
