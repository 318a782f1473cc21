"""What people bring to the directory themselves: a new place ("Ajouter mon lieu"), a claim ("C'est mon lieu").

Nothing they send is published or granted before their email address is confirmed, and (but for a claim from
the place's own domain) before a coordinator decides.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import OrganisationKind
from directory.models import Place
from territory.models import Commune


class ProposalStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Adresse à confirmer"
    PENDING = "pending", "À modérer"
    ACCEPTED = "accepted", "Acceptée"
    MERGED = "merged", "Fusionnée avec une fiche existante"
    REFUSED = "refused", "Refusée"


class ClaimStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Adresse à confirmer"
    PENDING = "pending", "À modérer"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


class ProposalQuerySet(models.QuerySet):
    def pending(self) -> "ProposalQuerySet":
        return self.filter(status=ProposalStatus.PENDING)


class ClaimQuerySet(models.QuerySet):
    def pending(self) -> "ClaimQuerySet":
        return self.filter(status=ClaimStatus.PENDING)


class Contributor(models.Model):
    """The person who writes, and the organisation they write for (SIRET or RNA checked as accounts do)."""

    email = models.EmailField("adresse électronique")
    full_name = models.CharField("nom", max_length=150)
    organisation_name = models.CharField("organisation", max_length=200)
    organisation_kind = models.CharField("nature", max_length=30, choices=OrganisationKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("RNA", max_length=10, blank=True)
    created_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    refusal_reason = models.TextField("motif du refus", blank=True)

    class Meta:
        abstract = True

    @property
    def identifier(self) -> str:
        return f"SIRET {self.siret}" if self.siret else f"RNA {self.rna}"


class Proposal(Contributor):
    """ "Ajouter mon lieu": a place proposed by the people who run it, waiting for a coordinator."""

    status = models.CharField("état", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.UNCONFIRMED)
    place_name = models.CharField("nom du lieu", max_length=200)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    # The place's form as submitted (field -> list of values), bound again to the same form when accepted.
    data = models.JSONField("fiche proposée", default=dict)
    possible_duplicates = models.ManyToManyField(
        Place, blank=True, related_name="+", verbose_name="fiches peut-être identiques"
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="fiche publiée ou complétée",
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = "lieu proposé"
        verbose_name_plural = "lieux proposés"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values), name="place_proposal_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(siret="", rna=""), name="place_proposal_has_siret_or_rna"),
            models.CheckConstraint(
                condition=~models.Q(status="refused", refusal_reason=""), name="place_proposal_refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_name} ({self.get_status_display()})"


class Claim(Contributor):
    """ "C'est mon lieu": someone asks to manage an existing record."""

    status = models.CharField("état", max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.UNCONFIRMED)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="claims", verbose_name="lieu")
    message = models.TextField("message", blank=True, max_length=2000)
    automatic = models.BooleanField("acceptée d'office (adresse du domaine du lieu)", default=False)
    objection = models.TextField("opposition d'un gestionnaire", blank=True)
    objected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="opposition de",
    )
    objected_at = models.DateTimeField("opposition le", null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = "demande de gestion d'un lieu"
        verbose_name_plural = "demandes de gestion d'un lieu"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(condition=~models.Q(siret="", rna=""), name="claim_has_siret_or_rna"),
            models.CheckConstraint(
                condition=~models.Q(status="refused", refusal_reason=""), name="claim_refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.place} ({self.get_status_display()})"
