from django.conf import settings
from django.db import models
from django.utils import timezone

from directory.models import Place, Term, Vocabulary
from territory.models import Commune


class NeedCategory(models.Model):
    """One entry of the thesaurus that finds needs in free text. Coordinators edit it."""

    code = models.CharField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    synonyms = models.TextField("expressions", blank=True, help_text="Une par ligne : ce que les gens écrivent.")
    stems = models.TextField("racines", blank=True, help_text="Une par ligne : début de mot, par exemple « brod ».")
    services = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": Vocabulary.SERVICE},
        verbose_name="services qui y répondent",
    )
    equipment = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": Vocabulary.EQUIPMENT},
        verbose_name="équipements qui y répondent",
    )
    production_run = models.BooleanField("demande de série", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=100)
    active = models.BooleanField("utilisée", default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "catégorie de besoin"
        verbose_name_plural = "thésaurus des besoins"

    def __str__(self) -> str:
        return self.label


class ReasonKind(models.TextChoices):
    DECLINE = "decline", "Refus d'une orientation"
    CLOSURE = "closure", "Clôture d'une demande"


class Reason(models.Model):
    """Reasons offered when a place declines or a request is closed; an editable list."""

    kind = models.CharField("usage", max_length=10, choices=ReasonKind.choices)
    code = models.CharField("code", max_length=50)
    label = models.CharField("libellé", max_length=200)
    position = models.PositiveSmallIntegerField("ordre", default=100)
    active = models.BooleanField("proposée", default=True)

    class Meta:
        ordering = ["kind", "position", "label"]
        verbose_name = "motif"
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="unique_reason_code"),
            models.CheckConstraint(condition=models.Q(kind__in=ReasonKind.values), name="reason_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.label


class Audience(models.TextChoices):
    INDIVIDUAL = "individual", "Particulier"
    PROFESSIONAL = "professional", "Professionnel (entreprise, artisan, commerçant, agriculteur)"
    ASSOCIATION = "association", "Association"
    PUBLIC_BODY = "public_body", "Collectivité ou service public"
    SCHOOL = "school", "Établissement scolaire"


class Channel(models.TextChoices):
    WEB = "web", "Formulaire en ligne"
    MEDIATOR = "mediator", "Saisie par un médiateur"
    API = "api", "API d'un partenaire"


class Status(models.TextChoices):
    NEW = "new", "Nouvelle"
    QUALIFIED = "qualified", "Qualifiée"
    ORIENTED = "oriented", "Orientée"
    IN_PROGRESS = "in_progress", "Prise en charge"
    CLOSED = "closed", "Clôturée"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Résolue"
    NO_SOLUTION = "no_solution", "Sans solution"
    ABANDONED = "abandoned", "Abandonnée"
    REROUTED = "rerouted", "Réorientée"


class ReferenceCounter(models.Model):
    """The last number given for a prefix such as "58-2026", so that references follow each other."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de références"

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class RequestQuerySet(models.QuerySet):
    def open(self) -> "RequestQuerySet":
        return self.exclude(status=Status.CLOSED)


class Request(models.Model):
    """A need someone brought: through the form, a mediator, or a partner's tool."""

    reference = models.CharField("référence", max_length=20, unique=True)
    tracking_key_hash = models.CharField(max_length=64, editable=False)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    description = models.TextField("besoin exprimé", max_length=5000)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    audience = models.CharField("demandeur", max_length=20, choices=Audience.choices, default=Audience.INDIVIDUAL)
    situations = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": Vocabulary.SITUATION},
        verbose_name="situation",
    )
    quantity = models.PositiveIntegerField("nombre de pièces", default=1)
    accessibility_needs = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": Vocabulary.ACCESSIBILITY},
        verbose_name="besoins d'accessibilité",
    )
    needs = models.ManyToManyField(NeedCategory, through="RequestNeed", related_name="requests", verbose_name="besoins")

    contact_name = models.CharField("nom", max_length=150, blank=True)
    contact_email = models.EmailField("courriel", blank=True)
    contact_phone = models.CharField("téléphone", max_length=30, blank=True)
    consent = models.BooleanField("accepte d'être recontacté", default=False)

    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    outcome = models.CharField("issue", max_length=20, choices=Outcome.choices, blank=True)
    closure_reason = models.ForeignKey(
        Reason, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="motif de clôture"
    )
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    unmet = models.BooleanField("besoin non couvert", default=False, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivie par",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisie par",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    # Incremented by every transition, so that a page acted upon after someone else's change is refused.
    version = models.PositiveIntegerField(default=1)
    anonymized_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "demande"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="request_status_valid"),
            models.CheckConstraint(condition=models.Q(audience__in=Audience.values), name="request_audience_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="request_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=Outcome.values), name="request_outcome_valid"
            ),
            models.CheckConstraint(
                condition=(models.Q(status=Status.CLOSED) & ~models.Q(outcome=""))
                | (~models.Q(status=Status.CLOSED) & models.Q(outcome="")),
                name="request_outcome_iff_closed",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="request_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone)


class RequestNeed(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="need_links")
    category = models.ForeignKey(NeedCategory, on_delete=models.PROTECT, related_name="+")
    evidence = models.JSONField("mots relevés", default=list, blank=True)
    by_coordinator = models.BooleanField("choisi par un coordinateur", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "category"], name="unique_request_need")]
        verbose_name = "besoin d'une demande"

    def __str__(self) -> str:
        return f"{self.request} — {self.category}"


class OrientationStatus(models.TextChoices):
    SENT = "sent", "Envoyée"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    EXPIRED = "expired", "Expirée"
    DONE = "done", "Terminée"


class Delivery(models.TextChoices):
    EMAIL = "email", "Par courriel"
    PHONE = "phone", "À transmettre par téléphone"


class OrientationQuerySet(models.QuerySet):
    def active(self) -> "OrientationQuerySet":
        return self.filter(status__in=[OrientationStatus.SENT, OrientationStatus.ACCEPTED])

    def to_phone(self) -> "OrientationQuerySet":
        """The coordinators' tasks: orientations waiting for someone to call the place."""
        return self.filter(delivery=Delivery.PHONE, phoned_at__isnull=True, status=OrientationStatus.SENT)


class Orientation(models.Model):
    """A request sent to one place, which accepts, declines, and later closes it."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="orientations")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="orientations")
    status = models.CharField("état", max_length=10, choices=OrientationStatus.choices, default=OrientationStatus.SENT)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="envoyée par"
    )
    expires_at = models.DateTimeField("expire le")
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    responded_at = models.DateTimeField("réponse le", null=True, blank=True)
    decline_reason = models.ForeignKey(
        Reason, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="motif du refus"
    )
    outcome = models.CharField("issue", max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField("message du lieu", blank=True, max_length=2000)
    score = models.FloatField("score de la suggestion", null=True, blank=True)
    message = models.TextField("message de la coordination aux lieux", blank=True, max_length=2000)
    # How the place hears of it: its email (or its managers'), or a call the coordination makes (no address known).
    delivery = models.CharField("transmission", max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    phone = models.CharField("téléphone à appeler", max_length=30, blank=True)
    phoned_at = models.DateTimeField("transmise par téléphone le", null=True, blank=True)
    phoned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="transmise par",
    )
    # Why the engine suggested the place, in French, as it said it then; none when the coordination chose it alone.
    reasons = models.JSONField("raisons de la suggestion", default=list, blank=True)
    by_coordination = models.BooleanField("choisi par la coordination", default=False)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at"]
        verbose_name = "orientation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OrientationStatus.values), name="orientation_status_valid"
            ),
            models.UniqueConstraint(
                fields=["request", "place"],
                condition=models.Q(status__in=["sent", "accepted"]),
                name="unique_active_orientation",
            ),
            models.CheckConstraint(condition=models.Q(delivery__in=Delivery.values), name="orientation_delivery_valid"),
            models.CheckConstraint(
                condition=~models.Q(delivery=Delivery.PHONE) | ~models.Q(phone=""), name="orientation_phone_has_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.place}"

    @property
    def awaiting_call(self) -> bool:
        """Nothing has reached the place yet: the coordination must call it (what ``to_phone`` selects)."""
        return self.delivery == Delivery.PHONE and self.phoned_at is None and self.status == OrientationStatus.SENT


class EventKind(models.TextChoices):
    CREATED = "created", "Demande reçue"
    QUALIFIED = "qualified", "Besoins qualifiés"
    ASSIGNED = "assigned", "Suivi attribué"
    ORIENTED = "oriented", "Orientée vers un lieu"
    ACCEPTED = "accepted", "Acceptée par le lieu"
    DECLINED = "declined", "Refusée par le lieu"
    EXPIRED = "expired", "Sans réponse du lieu"
    REMINDED = "reminded", "Lieu relancé"
    RETURNED = "returned", "Revenue dans la file"
    CLOSED = "closed", "Clôturée"
    NOTE = "note", "Note"
    ANONYMIZED = "anonymized", "Anonymisée"
    LINK_REISSUED = "link_reissued", "Nouveau lien de suivi"
    REQUESTER_DETAIL = "requester_detail", "Précision de la personne"
    PHONED = "phoned", "Transmise au lieu par téléphone"


class RequestEvent(models.Model):
    """The timeline: every transition, with who acted and when."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Qui a agi quand ce n'est pas un compte.")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    orientation = models.ForeignKey(Orientation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "événement"

    def __str__(self) -> str:
        return f"{self.request} — {self.get_kind_display()}"


class ContactView(models.Model):
    """Every time someone saw a requester's contact details."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="contact_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    viewer_label = models.CharField(max_length=200, blank=True)
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    context = models.CharField(max_length=50)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = "consultation des coordonnées"
        verbose_name_plural = "consultations des coordonnées"

    def __str__(self) -> str:
        return f"{self.request} — {self.viewed_at:%d/%m/%Y %H:%M}"


class IdempotentSubmission(models.Model):
    """A request an API client sent with an ``Idempotency-Key``: a retry gets the same answer, not a second request.

    The tracking key of the answer is kept sealed with the client's own token secret (never stored here), for
    the time a retry makes sense; ``api/idempotency.py`` writes, reads and forgets these rows.
    """

    token = models.ForeignKey("accounts.ApiToken", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    sealed_tracking_key = models.CharField(max_length=128)
    # The first answer, tracking link aside (it is rebuilt from the sealed key).
    answer = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="unique_idempotency_key_per_token")]
        verbose_name = "envoi idempotent"
        verbose_name_plural = "envois idempotents"

    def __str__(self) -> str:
        return f"{self.key} → {self.request_id}"
