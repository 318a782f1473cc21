"""The funding catalogue: funders, schemes with their perimeter and calendar, saved searches (alerts), history.

Vocabularies (audiences, themes, expenses, kinds, programmes) are data that coordinators edit: schemes and alerts
point to the terms, never copy their codes, so that a renamed code follows everywhere and a retired one is reported.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from funding_match import calendar, perimeter


class FundingVocabulary(models.TextChoices):
    BENEFICIARY = "beneficiary", "Bénéficiaire"
    THEME = "theme", "Thème"
    EXPENSE = "expense", "Dépense éligible"
    KIND = "kind", "Nature de l'aide"
    PROGRAMME = "programme", "Programme"


class FundingTermQuerySet(models.QuerySet):
    def of(self, vocabulary: str) -> "FundingTermQuerySet":
        return self.filter(vocabulary=vocabulary)

    def active(self) -> "FundingTermQuerySet":
        return self.filter(active=True)


class FundingTerm(models.Model):
    """One entry of a funding vocabulary. Retired, never deleted: saved searches and old links may still name it."""

    vocabulary = models.CharField("vocabulaire", max_length=20, choices=FundingVocabulary.choices)
    code = models.CharField("code", max_length=50, help_text="Code ASCII stable, utilisé dans les liens et fichiers.")
    label = models.CharField("libellé", max_length=200)
    former_codes = models.TextField(
        "anciens codes", blank=True, help_text="Un par ligne : les liens et fichiers qui les emploient restent compris."
    )
    synonyms = models.TextField(
        "autres libellés", blank=True, help_text="Un par ligne : libellés d'autres catalogues (Aides-territoires…)."
    )
    position = models.PositiveSmallIntegerField("ordre", default=100)
    active = models.BooleanField("en usage", default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="remplacé par"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundingTermQuerySet.as_manager()

    class Meta:
        ordering = ["vocabulary", "position", "label"]
        verbose_name = "terme des financements"
        verbose_name_plural = "vocabulaires des financements"
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_funding_term_code"),
            models.CheckConstraint(
                condition=models.Q(vocabulary__in=FundingVocabulary.values), name="funding_term_vocabulary_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def former_code_list(self) -> list[str]:
        return [line.strip() for line in self.former_codes.splitlines() if line.strip()]

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class FunderLevel(models.TextChoices):
    EU = "eu", "Union européenne"
    STATE = "state", "État"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "Intercommunalité"
    COMMUNE = "commune", "Commune"
    PUBLIC_BODY = "public_body", "Organisme public"
    FOUNDATION = "foundation", "Fondation"
    PRIVATE = "private", "Organisme privé"


class Funder(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    level = models.CharField("niveau", max_length=20, choices=FunderLevel.choices)
    website = models.URLField("site web", blank=True, max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "financeur"
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=FunderLevel.values), name="funder_level_valid")
        ]

    def __str__(self) -> str:
        return self.name


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"
    CLOSED = "closed", "Clôturé"


class Recurrence(models.TextChoices):
    ONE_OFF = calendar.ONE_OFF, "Ponctuel"
    ONGOING = calendar.ONGOING, "Permanent"
    YEARLY = calendar.YEARLY, "Chaque année"


class SchemeQuerySet(models.QuerySet):
    def public(self) -> "SchemeQuerySet":
        """What anyone may read: published schemes, and closed ones (they stay readable, marked so)."""
        return self.filter(status__in=[SchemeStatus.PUBLISHED, SchemeStatus.CLOSED])


def _terms(vocabulary: str) -> dict:
    return {"vocabulary": vocabulary}


MONTH = [MinValueValidator(1), MaxValueValidator(12)]
DAY = [MinValueValidator(1), MaxValueValidator(31)]
RATE = [MinValueValidator(0), MaxValueValidator(100)]


class Scheme(models.Model):
    """A funding scheme (dispositif): who pays, for whom, for what, where, how much and when."""

    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField(max_length=220, editable=False)
    summary = models.CharField(
        "résumé", max_length=400, help_text="Deux phrases simples : ce que finance le dispositif."
    )
    description = models.TextField("présentation", blank=True)
    eligibility = models.TextField("conditions", blank=True)
    funders = models.ManyToManyField(Funder, blank=True, related_name="schemes", verbose_name="financeurs")
    programmes = models.ManyToManyField(
        FundingTerm,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(FundingVocabulary.PROGRAMME),
        verbose_name="programmes",
    )
    kinds = models.ManyToManyField(
        FundingTerm,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(FundingVocabulary.KIND),
        verbose_name="nature",
    )
    beneficiaries = models.ManyToManyField(
        FundingTerm,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(FundingVocabulary.BENEFICIARY),
        verbose_name="bénéficiaires",
    )
    themes = models.ManyToManyField(
        FundingTerm,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(FundingVocabulary.THEME),
        verbose_name="thèmes",
    )
    expenses = models.ManyToManyField(
        FundingTerm,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(FundingVocabulary.EXPENSE),
        verbose_name="dépenses éligibles",
    )

    amount_floor = models.DecimalField("montant minimum (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    amount_ceiling = models.DecimalField("montant maximum (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    rate_min = models.DecimalField(
        "taux minimum (%)", max_digits=5, decimal_places=2, null=True, blank=True, validators=RATE
    )
    rate_max = models.DecimalField(
        "taux maximum (%)", max_digits=5, decimal_places=2, null=True, blank=True, validators=RATE
    )
    amount_note = models.CharField("précisions sur le montant", max_length=300, blank=True)

    recurrence = models.CharField("calendrier", max_length=10, choices=Recurrence.choices, default=Recurrence.ONE_OFF)
    opens_on = models.DateField("ouverture", null=True, blank=True)
    closes_on = models.DateField("clôture", null=True, blank=True)
    window_start_month = models.PositiveSmallIntegerField(
        "début habituel : mois", null=True, blank=True, validators=MONTH
    )
    window_start_day = models.PositiveSmallIntegerField("début habituel : jour", null=True, blank=True, validators=DAY)
    window_end_month = models.PositiveSmallIntegerField(
        "fin habituelle : mois", null=True, blank=True, validators=MONTH
    )
    window_end_day = models.PositiveSmallIntegerField("fin habituelle : jour", null=True, blank=True, validators=DAY)

    how_to_apply = models.TextField("comment candidater", blank=True)
    application_url = models.URLField("adresse du dépôt", blank=True, max_length=500)
    contact = models.TextField("contact", blank=True)
    source_url = models.URLField(
        "source", blank=True, max_length=500, help_text="La page publique qui décrit le dispositif."
    )
    checked_on = models.DateField("vérifié le", null=True, blank=True)
    checked_by = models.CharField("vérifié par", max_length=200, blank=True)
    needs_check = models.BooleanField(
        "à vérifier", default=True, help_text="Tant que personne n'a confirmé la fiche auprès du financeur."
    )

    status = models.CharField("état", max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturé le", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_versions",
        verbose_name="dispositif national décliné",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation qui tient la fiche",
    )

    source = models.CharField("source des données", max_length=50, default="aiguillage")
    source_id = models.CharField("identifiant à la source", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = "dispositif de financement"
        verbose_name_plural = "dispositifs de financement"
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="unique_scheme_source_id"),
            models.CheckConstraint(condition=models.Q(status__in=SchemeStatus.values), name="scheme_status_valid"),
            models.CheckConstraint(
                condition=models.Q(recurrence__in=Recurrence.values), name="scheme_recurrence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_floor__isnull=True)
                | models.Q(amount_ceiling__isnull=True)
                | models.Q(amount_floor__lte=models.F("amount_ceiling")),
                name="scheme_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_min__isnull=True)
                | models.Q(rate_max__isnull=True)
                | models.Q(rate_min__lte=models.F("rate_max")),
                name="scheme_rates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
                name="scheme_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(recurrence=Recurrence.YEARLY)
                    & models.Q(window_start_month__isnull=False, window_start_day__isnull=False)
                    & models.Q(window_end_month__isnull=False, window_end_day__isnull=False)
                )
                | (
                    ~models.Q(recurrence=Recurrence.YEARLY)
                    & models.Q(window_start_month__isnull=True, window_start_day__isnull=True)
                    & models.Q(window_end_month__isnull=True, window_end_day__isnull=True)
                ),
                name="scheme_window_iff_yearly",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.title)[:220] or "dispositif"
        if not self.source_id:
            # A stable key for schemes written here, so that an export re-imports in place.
            self.source_id = uuid.uuid4().hex
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("funding:scheme", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def schedule(self) -> calendar.Schedule:
        start = end = None
        if self.recurrence == Recurrence.YEARLY:
            start = calendar.MonthDay(self.window_start_month or 0, self.window_start_day or 0)
            end = calendar.MonthDay(self.window_end_month or 0, self.window_end_day or 0)
        return calendar.Schedule(
            recurrence=self.recurrence,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            window_start=start,
            window_end=end,
        )

    @property
    def is_public(self) -> bool:
        return self.status in (SchemeStatus.PUBLISHED, SchemeStatus.CLOSED)


class AreaKind(models.TextChoices):
    EU = perimeter.EU, "Union européenne"
    FRANCE = perimeter.FRANCE, "France"
    REGION = perimeter.REGION, "Région"
    DEPARTEMENT = perimeter.DEPARTEMENT, "Département"
    EPCI = perimeter.EPCI, "Intercommunalité (EPCI)"
    COMMUNE = perimeter.COMMUNE, "Commune"


class SchemeArea(models.Model):
    """One area of a scheme's perimeter, by its code: INSEE for regions, départements and communes, SIREN for EPCI."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField("niveau", max_length=12, choices=AreaKind.choices)
    code = models.CharField("code", max_length=9, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = "zone du périmètre"
        verbose_name_plural = "périmètre"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind", "code"], name="unique_scheme_area"),
            models.CheckConstraint(condition=models.Q(kind__in=AreaKind.values), name="scheme_area_kind_valid"),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="scheme_area_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}".strip()


class ChangeKind(models.TextChoices):
    CREATE = "create", "Création"
    EDIT = "edit", "Modification"
    PUBLISH = "publish", "Publication"
    CLOSE = "close", "Clôture"
    REOPEN = "reopen", "Remise en brouillon"
    IMPORT = "import", "Import"
    VOCABULARY = "vocabulary", "Changement de vocabulaire"


class SchemeChange(models.Model):
    """One recorded change of a scheme: who, when, and each field before and after."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    actor_label = models.CharField("auteur (texte)", max_length=200, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)
    kind = models.CharField("nature", max_length=12, choices=ChangeKind.choices)
    # {field: {"before": value, "after": value}}, values as in the CSV format (codes, never ids).
    fields = models.JSONField("champs", default=dict)
    note = models.CharField("note", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "modification d'un dispositif"
        verbose_name_plural = "historique des dispositifs"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ChangeKind.values), name="scheme_change_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.scheme} — {self.created_at:%d/%m/%Y %H:%M}"


class AlertStatus(models.TextChoices):
    PENDING = "pending", "En attente de confirmation"
    ACTIVE = "active", "Active"
    UNSUBSCRIBED = "unsubscribed", "Désabonnée"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Alert(models.Model):
    """A saved search with an email address: structured filters (terms and places), never a query string."""

    email = models.EmailField("adresse électronique")
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    status = models.CharField("état", max_length=15, choices=AlertStatus.choices, default=AlertStatus.PENDING)
    beneficiaries = models.ManyToManyField(FundingTerm, blank=True, related_name="+", verbose_name="bénéficiaires")
    themes = models.ManyToManyField(FundingTerm, blank=True, related_name="+", verbose_name="thèmes")
    expenses = models.ManyToManyField(FundingTerm, blank=True, related_name="+", verbose_name="dépenses")
    kinds = models.ManyToManyField(FundingTerm, blank=True, related_name="+", verbose_name="natures")
    programmes = models.ManyToManyField(FundingTerm, blank=True, related_name="+", verbose_name="programmes")
    commune = models.ForeignKey(
        "territory.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="commune"
    )
    epci = models.ForeignKey(
        "territory.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="EPCI"
    )
    amount = models.DecimalField("montant recherché (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.CharField("mots", max_length=200, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désabonnée le", null=True, blank=True)
    last_digest_at = models.DateTimeField("dernière lettre le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "alerte"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(
                condition=models.Q(commune__isnull=True) | models.Q(epci__isnull=True), name="alert_one_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"


class AlertNotice(models.Model):
    """Something the owner of an alert must know: a criterion that no longer exists, or was replaced."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "avis sur une alerte"

    def __str__(self) -> str:
        return self.message


class DigestStatus(models.TextChoices):
    QUEUED = "queued", "En file"
    SENT = "sent", "Envoyée"
    FAILED = "failed", "Échec"


class AlertDigest(models.Model):
    """One weekly letter of an alert: what it held and whether it left."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="digests")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=DigestStatus.choices, default=DigestStatus.QUEUED)
    new_schemes = models.JSONField(default=list)
    closing_schemes = models.JSONField(default=list)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "lettre d'alerte"
        verbose_name_plural = "lettres d'alerte"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DigestStatus.values), name="alert_digest_status_valid")
        ]

    def __str__(self) -> str:
        return f"{self.alert.email} — {self.created_at:%d/%m/%Y}"
