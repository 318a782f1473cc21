import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from library.matching import folded_words
from library.models.resources import Resource
from library.models.vocabularies import Audience, Theme
from library.models.watch import new_token


class EventKind(models.TextChoices):
    TRAINING = "training", "Formation"
    WORKSHOP = "workshop", "Atelier"
    CLUB_MEETING = "club_meeting", "Rencontre du club innovation"
    WEBINAR = "webinar", "Webinaire"
    OTHER = "other", "Autre rendez-vous"


class RegistrationMode(models.TextChoices):
    NONE = "none", "Sans inscription"
    LINK = "link", "Inscription sur un autre site"
    SIMPLE = "simple", "Inscription sur cette page"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon, à publier"
    PUBLISHED = "published", "Publié"
    CANCELLED = "cancelled", "Annulé"


class EventQuerySet(models.QuerySet):
    def listed(self) -> "EventQuerySet":
        """What the public agenda shows: published events and those cancelled after being announced."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])

    def upcoming(self, now: object = None) -> "EventQuerySet":
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: object = None) -> "EventQuerySet":
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def for_list(self) -> "EventQuerySet":
        return self.select_related("place__commune").prefetch_related("themes")


class Event(models.Model):
    """A training, a workshop, a club meeting, a webinar: at a place of the directory, online, or both."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=220, editable=False)
    kind = models.CharField("nature", max_length=20, choices=EventKind.choices, default=EventKind.WORKSHOP)
    description = models.TextField("présentation", max_length=5000)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.ForeignKey(
        "directory.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_events",
        verbose_name="lieu de l'annuaire",
    )
    location_note = models.CharField(
        "précisions sur le lieu", max_length=250, blank=True, help_text="Salle, étage, ou adresse hors annuaire."
    )
    online = models.BooleanField("en ligne", default=False)
    online_url = models.URLField("lien de la visioconférence", max_length=500, blank=True)
    audiences = models.ManyToManyField(Audience, blank=True, related_name="events", verbose_name="publics visés")
    themes = models.ManyToManyField(Theme, blank=True, related_name="events", verbose_name="thèmes")
    registration = models.CharField(
        "inscription", max_length=10, choices=RegistrationMode.choices, default=RegistrationMode.NONE
    )
    registration_url = models.URLField("lien d'inscription", max_length=500, blank=True)
    capacity = models.PositiveIntegerField("nombre de places", null=True, blank=True)
    resources = models.ManyToManyField(Resource, blank=True, related_name="events", verbose_name="ressources")
    status = models.CharField("état", max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RFC 5545 SEQUENCE: calendars replace their copy when it grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="proposé par"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)

    objects = EventQuerySet.as_manager()
    # The agenda lists events beside the stops of itinerant places (library.stops.StopVisit).
    is_stop = False

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "événement"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="library_event_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=EventStatus.values), name="library_event_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(registration__in=RegistrationMode.values), name="library_event_registration_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="library_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(place__isnull=False) | models.Q(online=True) | ~models.Q(location_note=""),
                name="library_event_has_a_where",
            ),
            models.CheckConstraint(
                condition=~models.Q(registration="link") | ~models.Q(registration_url=""),
                name="library_event_link_registration_has_url",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="library_event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="library_event_status_ends_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.title)[:220] or "evenement"
        self.search_title = folded_words(self.title)
        self.search_body = folded_words(f"{self.description} {self.location_note}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:event", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def takes_registrations(self) -> bool:
        return (
            self.registration == RegistrationMode.SIMPLE and self.status == EventStatus.PUBLISHED and not self.is_past
        )


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Inscrit"
    WAITING = "waiting", "Sur liste d'attente"
    CANCELLED = "cancelled", "Désinscrit"


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> "RegistrationQuerySet":
        return self.exclude(status=RegistrationStatus.CANCELLED)


class Registration(models.Model):
    """A person's seat at an event, or their place on its waiting list."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField("nom", max_length=150)
    email = models.EmailField("courriel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField("état", max_length=20, choices=RegistrationStatus.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    promoted_at = models.DateTimeField("passé de l'attente à inscrit le", null=True, blank=True)
    cancelled_at = models.DateTimeField("désinscrit le", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "inscription"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RegistrationStatus.values), name="library_registration_status_valid"
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~models.Q(status="cancelled"),
                name="library_unique_active_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"
