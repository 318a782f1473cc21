import datetime as dt
import re
import uuid

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import slugify

from aiguillage.lib.dates import add_months
from aiguillage.lib.text import normalize_name
from territory.models import Commune


class Vocabulary(models.TextChoices):
    TYPOLOGY = "typology", "Typologie"
    SERVICE = "service", "Service"
    EQUIPMENT = "equipment", "Équipement"
    AUDIENCE = "audience", "Public accueilli"
    PUBLIC = "public", "Public spécifiquement adressé"
    ACCESSIBILITY = "accessibility", "Accessibilité"
    FEE = "fee", "Frais"
    LABEL = "label", "Label ou dispositif"
    ACCESS_MODE = "access_mode", "Modalité d'accès"
    SUPPORT_MODE = "support_mode", "Modalité d'accompagnement"
    SITUATION = "situation", "Situation d'un demandeur"


class TermQuerySet(models.QuerySet):
    def of(self, vocabulary: str) -> "TermQuerySet":
        return self.filter(vocabulary=vocabulary)


class Term(models.Model):
    """One entry of a controlled vocabulary, editable by coordinators."""

    vocabulary = models.CharField("vocabulaire", max_length=20, choices=Vocabulary.choices)
    code = models.CharField("code", max_length=50, help_text="Code ASCII stable, utilisé dans les fichiers.")
    label = models.CharField("libellé", max_length=200)
    national_value = models.CharField(
        "valeur du standard national",
        max_length=200,
        blank=True,
        help_text="Valeur exacte du Schéma des lieux de médiation numérique, vide si le standard n'en a pas.",
    )
    national_field = models.CharField(
        "champ du standard national", max_length=60, blank=True, help_text="Colonne du standard où va cette valeur."
    )
    synonyms = models.TextField(
        "synonymes", blank=True, help_text="Un par ligne : mots que les gens emploient pour le chercher."
    )
    position = models.PositiveSmallIntegerField("ordre", default=100)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["vocabulary", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_term_code"),
            models.CheckConstraint(condition=models.Q(vocabulary__in=Vocabulary.values), name="term_vocabulary_valid"),
        ]
        verbose_name = "terme de vocabulaire"
        verbose_name_plural = "vocabulaires"

    def __str__(self) -> str:
        return self.label

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


def _terms(vocabulary: str) -> dict:
    return {"vocabulary": vocabulary}


class LikelyService(models.Model):
    """What a type of place or a label makes likely that a place offers, when its record does not list it.

    Imported rows rarely list services: a France Services or a médiathèque that says nothing (or only
    "démarches administratives") would otherwise "offer nothing" for everyday digital help. The search
    and the routing offer such a place for these services, after the places that state them, with
    "à confirmer : appelez avant" and the reason. A table coordinators edit, not code.
    """

    term = models.OneToOneField(
        Term,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"vocabulary__in": [Vocabulary.TYPOLOGY, Vocabulary.LABEL]},
        verbose_name="type de lieu ou label",
    )
    services = models.ManyToManyField(
        Term, related_name="+", limit_choices_to=_terms(Vocabulary.SERVICE), verbose_name="services probables"
    )
    reason = models.CharField(
        "pourquoi, dit aux usagers",
        max_length=200,
        help_text="Une phrase simple, par exemple : « les France Services aident d'ordinaire aux démarches en ligne ».",
    )
    active = models.BooleanField("utilisée", default=True)

    class Meta:
        ordering = ["term__vocabulary", "term__label"]
        verbose_name = "service probable d'après le type ou le label"
        verbose_name_plural = "services probables d'après le type ou le label"

    def __str__(self) -> str:
        return str(self.term)


class Operator(models.Model):
    """The organisation that runs one or more places (structure porteuse)."""

    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("RNA", max_length=10, blank=True)
    website = models.URLField("site web", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "structure porteuse"
        verbose_name_plural = "structures porteuses"

    def __str__(self) -> str:
        return self.name


class PlaceStatus(models.TextChoices):
    OPEN = "open", "Ouvert"
    TEMPORARILY_CLOSED = "temporarily_closed", "Fermé temporairement"
    CLOSED = "closed", "Fermé définitivement"


class AccessState(models.TextChoices):
    """What a record says of one accessibility or support code: stated yes, stated no, or nothing at all."""

    YES = "yes", "Oui"
    NO = "no", "Non"
    UNKNOWN = "unknown", "Non renseigné"


# The accessibility code a result card always speaks of (the glossary's one code apart from the national list).
WHEELCHAIR_ACCESS = "wheelchair_access"


class PointSource(models.TextChoices):
    SOURCE = "source", "Point fourni par la source"
    COMMUNE = "commune", "Point de la commune"
    MANUAL = "manual", "Point placé à la main"


class PlaceQuerySet(models.QuerySet):
    def public(self) -> "PlaceQuerySet":
        """Places that may be offered as a choice: never those closed for good."""
        return self.exclude(status=PlaceStatus.CLOSED)

    def stale(self, today: dt.date | None = None) -> "PlaceQuerySet":
        """Records due for checking: never verified, or verified longer ago than their own frequency."""
        today = today or timezone.localdate()
        due = models.Q(verified=False) | models.Q(date_maj__isnull=True)
        for months in self.values_list("review_every_months", flat=True).distinct().order_by():
            due |= models.Q(review_every_months=months, date_maj__lte=add_months(today, -months))
        return self.filter(due)

    def with_card_data(self) -> "PlaceQuerySet":
        """Everything a result card or a place page shows, in a fixed number of queries."""
        return self.select_related("commune__departement", "operator").prefetch_related(
            "typologies",
            "services",
            "audiences",
            "accessibility",
            "labels",
            models.Prefetch("equipment", queryset=Equipment.objects.select_related("kind")),
        )


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACE_URLS: dict[tuple[str, str], str] = {}


def place_url(pk: int, slug: str) -> str:
    """The place page's address, as reverse() gives it, without resolving the pattern each time.

    A map or a results page links dozens of places: reverse() cost more than the rest of a card."""
    if not _SLUG.fullmatch(slug):
        return reverse("directory:place", kwargs={"pk": pk, "slug": slug})
    where = (get_script_prefix(), str(settings.ROOT_URLCONF))
    pattern = _PLACE_URLS.get(where)
    if pattern is None:
        pattern = reverse("directory:place", kwargs={"pk": 1, "slug": "SLUG"}).replace("1-SLUG", "{pk}-{slug}")
        _PLACE_URLS[where] = pattern
    return pattern.format(pk=int(pk), slug=slug)


class Place(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=220, editable=False)
    operator = models.ForeignKey(
        Operator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="structure porteuse",
    )
    typologies = models.ManyToManyField(
        Term, blank=True, related_name="+", limit_choices_to=_terms(Vocabulary.TYPOLOGY), verbose_name="typologies"
    )
    summary = models.CharField("présentation courte", max_length=280, blank=True)
    description = models.TextField("présentation détaillée", blank=True)

    address = models.CharField("adresse", max_length=250, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=250, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="places")
    latitude = models.FloatField()
    longitude = models.FloatField()
    point_source = models.CharField(
        "origine du point", max_length=10, choices=PointSource.choices, default=PointSource.SOURCE
    )
    point_to_check = models.BooleanField(
        "point à vérifier", default=False, help_text="Le point fourni était loin de sa commune."
    )
    access_directions = models.TextField("comment venir", blank=True)

    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    website = models.URLField("site web", blank=True, max_length=500)
    booking_url = models.URLField("prise de rendez-vous", blank=True, max_length=500)

    opening_hours = models.CharField(
        "horaires (format OpenStreetMap)",
        max_length=500,
        blank=True,
        help_text="Par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
    )
    opening_hours_note = models.CharField("précisions sur les horaires", max_length=300, blank=True)

    status = models.CharField("état", max_length=20, choices=PlaceStatus.choices, default=PlaceStatus.OPEN)
    status_date = models.DateField("depuis le", null=True, blank=True)
    status_note = models.CharField("note sur l'état", max_length=300, blank=True)

    is_itinerant = models.BooleanField("itinérant", default=False)
    is_remote = models.BooleanField("service à distance", default=False)

    audiences = models.ManyToManyField(
        Term, blank=True, related_name="+", limit_choices_to=_terms(Vocabulary.AUDIENCE), verbose_name="accueille"
    )
    publics = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.PUBLIC),
        verbose_name="publics spécifiquement adressés",
    )
    accessibility = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.ACCESSIBILITY),
        verbose_name="accessibilité et prise en charge",
    )
    # "Unknown is not no": the codes above are what the record says yes to, these what it says no to; a code in
    # neither is not stated (most imported rows say nothing). A code is never in both (editing.py, the writer).
    accessibility_no = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.ACCESSIBILITY),
        verbose_name="accessibilité et prise en charge : non",
    )
    acceslibre_url = models.URLField(
        "fiche Acceslibre",
        blank=True,
        max_length=500,
        help_text="Adresse de la fiche du lieu sur acceslibre.beta.gouv.fr, le service public de l'accessibilité.",
    )
    services = models.ManyToManyField(
        Term, blank=True, related_name="+", limit_choices_to=_terms(Vocabulary.SERVICE), verbose_name="services"
    )
    fees = models.ManyToManyField(
        Term, blank=True, related_name="+", limit_choices_to=_terms(Vocabulary.FEE), verbose_name="frais"
    )
    fees_note = models.CharField("précisions sur les tarifs", max_length=300, blank=True)
    labels = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.LABEL),
        verbose_name="labels et dispositifs",
    )
    access_modes = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.ACCESS_MODE),
        verbose_name="modalités d'accès",
    )
    support_modes = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.SUPPORT_MODE),
        verbose_name="modalités d'accompagnement",
    )

    source = models.CharField("source", max_length=50, default="aiguillage")
    source_id = models.CharField("identifiant à la source", max_length=100, blank=True)
    licence = models.CharField("licence", max_length=50, default="etalab-2.0")
    date_maj = models.DateField("date de mise à jour", null=True, blank=True)
    verified = models.BooleanField("vérifié", default=False)
    verified_by = models.CharField("vérifié par", max_length=200, blank=True)
    # Who set each field the page groups (directory/provenance.py): {"phone": {"by": "place", "on": "2026-12-02"}};
    # a field without an entry comes from the record's source.
    field_provenance = models.JSONField("provenance des champs", default=dict, blank=True, editable=False)
    needs_review = models.BooleanField(
        "à relire", default=False, help_text="Une donnée importée doit être relue par un coordinateur."
    )
    review_note = models.TextField("note de relecture", blank=True)
    review_every_months = models.PositiveSmallIntegerField(
        "à revérifier tous les (mois)",
        default=6,
        help_text="Le lieu reçoit un rappel quand sa fiche arrive à échéance.",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_places", verbose_name="gestionnaires"
    )
    reminded_at = models.DateTimeField("dernier rappel envoyé le", null=True, blank=True, editable=False)
    reminder_count = models.PositiveSmallIntegerField("rappels envoyés", default=0, editable=False)

    search_text = models.TextField(editable=False, blank=True)
    # What searches and routing read about the place in one column (directory/index.py keeps it in step).
    profile = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "lieu"
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="unique_place_source_id"),
            models.CheckConstraint(condition=models.Q(status__in=PlaceStatus.values), name="place_status_valid"),
            models.CheckConstraint(
                condition=models.Q(point_source__in=PointSource.values), name="place_point_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_every_months__gte=1, review_every_months__lte=36),
                name="place_review_every_months_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="place_point_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="place_point_idx"),
            models.Index(fields=["name", "id"], name="place_name_idx"),
            models.Index(fields=["is_remote"], condition=models.Q(is_remote=True), name="place_remote_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.name)[:220] or "lieu"
        if not self.source_id:
            # A stable key for places created here, so that exports re-import in place.
            self.source_id = uuid.uuid4().hex
        self.search_text = self.compute_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return place_url(self.pk, self.slug)

    def compute_search_text(self) -> str:
        parts = [self.name, self.summary]
        if self.operator_id:
            parts.append(self.operator.name)
        return normalize_name(" ".join(parts))

    @property
    def is_closed(self) -> bool:
        return self.status == PlaceStatus.CLOSED

    @property
    def review_due_on(self) -> dt.date | None:
        """When the record must be checked again; None when it never was."""
        if not self.verified or self.date_maj is None:
            return None
        return add_months(self.date_maj, self.review_every_months)

    @property
    def is_stale(self) -> bool:
        due = self.review_due_on
        return due is None or due <= timezone.localdate()


class Equipment(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="equipment")
    kind = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.EQUIPMENT),
        verbose_name="type de machine",
    )
    quantity = models.PositiveSmallIntegerField("nombre", default=1)
    notes = models.CharField("précisions", max_length=300, blank=True)
    verified = models.BooleanField(
        "confirmé", default=False, help_text="Confirmé par le lieu ; sinon affiché « à confirmer »."
    )

    class Meta:
        ordering = ["kind__position", "kind__label"]
        constraints = [
            models.UniqueConstraint(fields=["place", "kind"], name="unique_equipment_kind"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="equipment_quantity_positive"),
        ]
        verbose_name = "équipement"

    def __str__(self) -> str:
        return f"{self.kind} × {self.quantity}"


class ItinerantStop(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="stops")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    location = models.CharField("lieu de l'étape", max_length=250, blank=True)
    schedule = models.CharField(
        "passages (format OpenStreetMap)", max_length=300, blank=True, help_text="Par exemple : We[1] 14:00-18:00"
    )
    notes = models.CharField("précisions", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "commune__name"]
        verbose_name = "étape de l'itinérance"
        verbose_name_plural = "étapes de l'itinérance"

    def __str__(self) -> str:
        return f"{self.commune.name} ({self.schedule})" if self.schedule else self.commune.name


class PlacePoint(models.Model):
    """Where a public place can be met, once per need it answers (term), or once for itself (no term).

    Searches and routing read this table first: a need near a point is one index range per longitude band,
    whatever the size of the directory. Derived from the places by directory/index.py; never edited by hand.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    band = models.SmallIntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    # The term is a service the place's type or label makes likely (LikelyService), not one its record states.
    likely = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # `likely` last: the search reads every column it needs from the index, not one table row per point
            # (a need near Paris at 300,000 places reads 2,400 points: 20 ms to 14 ms on SQLite).
            models.Index(
                fields=["term", "band", "latitude", "longitude", "place", "likely"], name="placepoint_cover_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.term_id} ({self.latitude:.4f}, {self.longitude:.4f})"


class ChangeKind(models.TextChoices):
    EDIT = "edit", "Modification"
    CONFIRM = "confirm", "Confirmation que tout est à jour"
    REVERT = "revert", "Annulation d'une modification"
    REPORT = "report", "Correction après un signalement"
    CREATE = "create", "Création de la fiche"
    CLOSE = "close", "Fermeture définitive"
    CONTRIBUTION = "contribution", "Proposition du lieu acceptée"


class PlaceChange(models.Model):
    """One recorded change of a place: who, when, and each field before and after."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)
    kind = models.CharField("nature", max_length=20, choices=ChangeKind.choices)
    # {field: {"before": value, "after": value}}, values as in the project's own file format.
    fields = models.JSONField("champs", default=dict)
    reverts = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reverted_by",
        verbose_name="annule",
    )
    note = models.CharField("note", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "modification d'un lieu"
        verbose_name_plural = "historique des lieux"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ChangeKind.values), name="place_change_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.place} — {self.created_at:%d/%m/%Y %H:%M}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "À traiter"
    FORWARDED = "forwarded", "Transmis au lieu"
    APPLIED = "applied", "Corrigé"
    REJECTED = "rejected", "Rejeté"


class ErrorReportQuerySet(models.QuerySet):
    def pending(self) -> "ErrorReportQuerySet":
        return self.filter(status__in=[ReportStatus.OPEN, ReportStatus.FORWARDED])


class ErrorReport(models.Model):
    """Someone, with or without an account, says a place's record is wrong."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="error_reports")
    message = models.TextField("ce qui ne va pas", max_length=2000)
    contact = models.CharField("contact du signalant", max_length=200, blank=True)
    created_at = models.DateTimeField("reçu le", default=timezone.now, db_index=True)
    status = models.CharField("état", max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traité par",
    )
    handled_at = models.DateTimeField("traité le", null=True, blank=True)
    response = models.TextField("réponse", blank=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "signalement d'erreur"
        verbose_name_plural = "signalements d'erreur"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="error_report_status_valid")
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.created_at:%d/%m/%Y}"


class CoordinatorDigest(models.Model):
    """When the coordinators' digest of overdue records was last sent, so that it does not nag."""

    sent_at = models.DateTimeField(default=timezone.now)
    overdue_count = models.PositiveIntegerField(default=0)
    unmanaged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "synthèse envoyée aux coordinateurs"
        verbose_name_plural = "synthèses envoyées aux coordinateurs"

    def __str__(self) -> str:
        return f"Synthèse du {self.sent_at:%d/%m/%Y}"
