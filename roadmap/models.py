"""The territorial roadmap: axes, action sheets, indicators, committees, and how partners build them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse

from accounts.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}


class Roadmap(models.Model):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", unique=True)
    territory = models.CharField("territoire", max_length=100)
    summary = models.TextField("présentation", blank=True)
    is_public = models.BooleanField(
        "publiée", default=False, help_text="Les fiches sont lisibles sans compte, ainsi que leurs exports."
    )
    due_date = models.DateField("à rendre le", null=True, blank=True)

    class Meta:
        verbose_name = "feuille de route"
        verbose_name_plural = "feuilles de route"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmap:roadmap", args=[self.slug])


class AxisKind(models.TextChoices):
    INCLUSION = "inclusion", "Inclusion"
    MEDIATION = "mediation", "Médiation"
    INNOVATION = "innovation", "Innovation"
    COMMUNICATION = "communication", "Communication"


class Axis(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="axes")
    kind = models.CharField("axe", max_length=20, choices=AxisKind.choices)
    title = models.CharField("intitulé", max_length=200)
    position = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "axe"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "kind"], name="unique_axis_per_roadmap"),
            models.CheckConstraint(condition=Q(kind__in=AxisKind.values), name="axis_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class SheetStatus(models.TextChoices):
    IDEA = "idea", "Idée"
    DRAFTING = "drafting", "En rédaction"
    VALIDATED = "validated", "Validée par le comité de pilotage"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"


class ActionSheet(models.Model):
    """One action sheet (fiche action). The fields partners may propose changes to are EDITABLE_FIELDS."""

    EDITABLE_FIELDS = ("title", "context", "goals", "target_publics", "calendar")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="sheets")
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="sheets", verbose_name="axe")
    code = models.CharField("code", max_length=10, help_text="FA1, FA2…")
    title = models.CharField("intitulé", max_length=300)
    context = models.TextField("contexte", blank=True)
    goals = models.TextField("objectifs", blank=True)
    target_publics = models.TextField("publics visés", blank=True)
    calendar = models.TextField("calendrier", blank=True)
    status = models.CharField("état", max_length=20, choices=SheetStatus.choices, default=SheetStatus.IDEA)
    pilot = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piloted_sheets",
        verbose_name="pilote",
    )
    need_categories = models.ManyToManyField(
        "demandes.NeedCategory", blank=True, related_name="action_sheets", verbose_name="besoins auxquels elle répond"
    )
    requests = models.ManyToManyField(
        "demandes.Request", blank=True, related_name="action_sheets", verbose_name="demandes liées"
    )
    resources = models.ManyToManyField(
        "library.Resource", blank=True, related_name="action_sheets", verbose_name="ressources produites"
    )
    events = models.ManyToManyField(
        "library.Event", blank=True, related_name="action_sheets", verbose_name="événements organisés"
    )
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["roadmap", "code"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "code"], name="unique_sheet_code_per_roadmap"),
            models.CheckConstraint(condition=Q(status__in=SheetStatus.values), name="sheet_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:sheet", args=[self.roadmap.slug, self.code])

    def budget_total(self) -> Decimal:
        return self.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def funding_obtained(self) -> Decimal:
        lines = self.funding_lines.filter(status=FundingStatus.OBTAINED)
        return lines.aggregate(total=Sum("amount_obtained"))["total"] or Decimal("0")


class SheetPartner(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=200, blank=True)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["sheet", "organisation"], name="unique_sheet_partner")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})" if self.role else str(self.organisation)


class StepStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Faite"


class Step(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("étape", max_length=300)
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="porteur"
    )
    status = models.CharField("état", max_length=20, choices=StepStatus.choices, default=StepStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "étape"
        ordering = ["position", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="step_status_valid"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="step_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField("année")
    expense = models.CharField("poste de dépense", max_length=200)
    amount = models.DecimalField("montant (€)", **MONEY)

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["year", "expense"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_positive")]

    def __str__(self) -> str:
        return f"{self.year} — {self.expense} : {self.amount} €"


class FundingStatus(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    OBTAINED = "obtained", "Obtenu"
    REFUSED = "refused", "Refusé"


class FundingLine(models.Model):
    """Money asked of a funder. ``scheme`` links a scheme of the funding catalogue when it is there; its title is
    kept in ``scheme_title`` as well, so that the line still reads if the scheme leaves the catalogue."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="funding_lines")
    scheme = models.ForeignKey(
        "funding.Scheme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_funding_lines",
        verbose_name="dispositif du catalogue",
    )
    funder = models.CharField("financeur", max_length=200)
    scheme_title = models.CharField("dispositif", max_length=300, blank=True)
    amount_requested = models.DecimalField("montant demandé (€)", **MONEY)
    amount_obtained = models.DecimalField("montant obtenu (€)", default=Decimal("0"), **MONEY)
    status = models.CharField("état", max_length=20, choices=FundingStatus.choices, default=FundingStatus.REQUESTED)

    class Meta:
        verbose_name = "ligne de financement"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FundingStatus.values), name="funding_status_valid"),
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0, amount_obtained__gte=0), name="funding_amounts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} : {self.amount_requested} €"


class StatusChange(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=SheetStatus.choices)
    to_status = models.CharField(max_length=20, choices=SheetStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet} : {self.from_status} → {self.to_status}"


class Direction(models.TextChoices):
    UP = "up", "Plus c'est haut, mieux c'est"
    DOWN = "down", "Plus c'est bas, mieux c'est"


class Indicator(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField("indicateur", max_length=300)
    unit = models.CharField("unité", max_length=50, blank=True)
    direction = models.CharField("sens", max_length=10, choices=Direction.choices, default=Direction.UP)
    baseline_value = models.DecimalField("valeur de départ", max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField("date de départ", null=True, blank=True)
    target_value = models.DecimalField("cible", max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField("échéance", null=True, blank=True)
    computed = models.CharField(
        "calcul automatique",
        max_length=60,
        blank=True,
        help_text="Nom d'un calcul du registre (roadmap/indicators.py) ; vide pour une saisie à la main.",
    )
    parameters = models.JSONField("paramètres du calcul", default=dict, blank=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["sheet", "pk"]
        constraints = [models.CheckConstraint(condition=Q(direction__in=Direction.values), name="direction_valid")]

    def __str__(self) -> str:
        return self.label


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    date = models.DateField("date")
    source = models.CharField("source", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_snapshot = models.BooleanField("relevé mensuel automatique", default=False)

    class Meta:
        verbose_name = "mesure"
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"], condition=Q(is_snapshot=True), name="one_snapshot_per_indicator_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} : {self.value} au {self.date:%d/%m/%Y}"


class CommitteeKind(models.TextChoices):
    TECHNICAL = "technical", "Comité technique"
    STEERING = "steering", "Comité de pilotage"
    OTHER = "other", "Autre réunion"


class Committee(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="committees")
    kind = models.CharField("nature", max_length=20, choices=CommitteeKind.choices)
    title = models.CharField("intitulé", max_length=300)
    date = models.DateField("date")
    location = models.CharField("lieu", max_length=300, blank=True)
    by_video = models.BooleanField("aussi en visioconférence", default=False)
    attendance = models.JSONField(
        "participants",
        default=list,
        blank=True,
        help_text='Nature et nombre, sans noms : [{"kind": "Conseil départemental", "count": 3}]',
    )
    minutes = models.TextField("compte rendu (HTML nettoyé)", blank=True)

    class Meta:
        verbose_name = "comité"
        ordering = ["-date"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=CommitteeKind.values), name="committee_kind_valid")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def attendance_total(self) -> int:
        return sum(int(row.get("count", 0)) for row in self.attendance)


class Decision(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("décision")
    sheets = models.ManyToManyField(ActionSheet, blank=True, related_name="decisions", verbose_name="fiches concernées")

    class Meta:
        verbose_name = "décision"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Comment(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField("commentaire", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} sur {self.sheet}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Refusée"


class Proposal(models.Model):
    """A partner's proposed change to some fields of a sheet, decided by a coordinator."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField()
    changes = models.JSONField(help_text="{champ: nouvelle valeur}")
    explanation = models.TextField("pourquoi", blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("note", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid")
        ]

    def __str__(self) -> str:
        return f"Proposition de {self.author} sur {self.sheet}"


class SheetVersion(models.Model):
    """What a sheet's editable fields said at one version, and who made it so."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="unique_sheet_version")]

    def __str__(self) -> str:
        return f"{self.sheet} v{self.number}"
