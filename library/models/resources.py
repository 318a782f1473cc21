import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from library.matching import folded_words
from library.models.vocabularies import Audience, Theme


class Licence(models.TextChoices):
    ETALAB_2 = "etalab-2.0", "Licence Ouverte 2.0 (Etalab)"
    CC_BY_4 = "cc-by-4.0", "Creative Commons Attribution (CC BY 4.0)"
    CC_BY_SA_4 = "cc-by-sa-4.0", "Creative Commons Attribution, partage dans les mêmes conditions (CC BY-SA 4.0)"
    CC_BY_NC_SA_4 = "cc-by-nc-sa-4.0", "Creative Commons Attribution, pas d'usage commercial, partage (CC BY-NC-SA 4.0)"
    CC0 = "cc0-1.0", "Domaine public (CC0 1.0)"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", "Tous droits réservés"


class ResourceFormat(models.TextChoices):
    GUIDE = "guide", "Guide"
    TUTORIAL = "tutorial", "Tutoriel"
    VIDEO = "video", "Vidéo"
    WORKSHOP_PLAN = "workshop_plan", "Déroulé d'atelier"
    TRAINING = "training", "Offre de formation"
    QUIZ = "quiz", "Quiz"
    SOFTWARE = "software", "Logiciel ou application"
    DEVICE = "device", "Matériel adapté"


# The formats the disability kit lists as tools rather than as reading.
TOOL_FORMATS = (ResourceFormat.SOFTWARE, ResourceFormat.DEVICE)


class Level(models.TextChoices):
    BEGINNER = "beginner", "Débutant"
    INTERMEDIATE = "intermediate", "Intermédiaire"
    ADVANCED = "advanced", "Avancé"


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "Anglais"
    SPANISH = "es", "Espagnol"
    GERMAN = "de", "Allemand"
    ARABIC = "ar", "Arabe"
    FRENCH_SIGN = "fsl", "Langue des signes française"


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon, à publier"
    PUBLISHED = "published", "Publiée"
    WITHDRAWN = "withdrawn", "Retirée"


def upload_path(instance: "Resource", filename: str) -> str:
    # The stored name is ours: what people called their file never reaches the disk.
    extension = PurePath(filename).suffix.lower()
    return f"library/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ResourceQuerySet(models.QuerySet):
    def published(self) -> "ResourceQuerySet":
        return self.filter(status=ResourceStatus.PUBLISHED)

    def for_cards(self) -> "ResourceQuerySet":
        return (
            self.prefetch_related("themes", "audiences")
            .annotate(useful_count=models.Count("votes", distinct=True))
            .order_by("-published_at", "-created_at", "-pk")
        )


class Resource(models.Model):
    """A guide, a tutorial, a video, a tool: a link or a file, described so that a mediator finds it."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=220, editable=False)
    summary = models.CharField("résumé", max_length=500)
    description = models.TextField("présentation détaillée", blank=True, max_length=5000)
    url = models.URLField("lien", max_length=500, blank=True)
    file = models.FileField("fichier", upload_to=upload_path, blank=True, max_length=200)
    file_type = models.CharField("type du fichier", max_length=100, blank=True, editable=False)
    file_size = models.PositiveIntegerField("taille du fichier (octets)", null=True, blank=True, editable=False)
    file_name = models.CharField("nom du fichier", max_length=200, blank=True, editable=False)
    licence = models.CharField("licence", max_length=30, choices=Licence.choices, default=Licence.ETALAB_2)
    author_credit = models.CharField(
        "auteur ou source", max_length=200, blank=True, help_text="Qui a écrit la ressource, à citer."
    )
    format = models.CharField("format", max_length=20, choices=ResourceFormat.choices, default=ResourceFormat.GUIDE)
    level = models.CharField("niveau", max_length=20, choices=Level.choices, default=Level.BEGINNER)
    easy_read = models.BooleanField("facile à lire et à comprendre (FALC)", default=False)
    language = models.CharField("langue", max_length=3, choices=Language.choices, default=Language.FRENCH)
    themes = models.ManyToManyField(Theme, related_name="resources", verbose_name="thèmes")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="resources", verbose_name="publics visés")
    accessibility = models.ManyToManyField(
        "directory.Term",
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": "accessibility"},
        verbose_name="besoins d'accessibilité auxquels elle répond",
    )
    places = models.ManyToManyField(
        "directory.Place", blank=True, related_name="library_resources", verbose_name="lieux où l'essayer"
    )
    need_categories = models.ManyToManyField(
        "demandes.NeedCategory", blank=True, related_name="library_resources", verbose_name="besoins liés"
    )
    status = models.CharField("état", max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="proposée par"
    )
    created_at = models.DateTimeField("proposée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = "ressource"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ResourceStatus.values), name="library_resource_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(licence__in=Licence.values), name="library_resource_licence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ResourceFormat.values), name="library_resource_format_valid"
            ),
            models.CheckConstraint(condition=models.Q(level__in=Level.values), name="library_resource_level_valid"),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="library_resource_language_valid"
            ),
            # A link or a file, never both, never neither.
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file="")) | (~models.Q(url="") & models.Q(file="")),
                name="library_resource_link_or_file",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="library_resource_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="library_resource_status_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.title)[:220] or "ressource"
        self.search_title = folded_words(self.title)
        self.search_body = folded_words(" ".join([self.summary, self.description, self.author_credit]))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:resource", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED

    @property
    def is_file(self) -> bool:
        return bool(self.file)

    @property
    def is_image(self) -> bool:
        return self.file_type.startswith("image/")

    @property
    def target_url(self) -> str:
        """Where "Ouvrir" leads: the link, or our own file view (never the storage path)."""
        if self.file:
            return reverse("library:resource_file", kwargs={"pk": self.pk})
        return self.url


class ResourceVote(models.Model):
    """One member finds a resource useful ("utile"); one vote each."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "vote « utile »"
        constraints = [models.UniqueConstraint(fields=["resource", "user"], name="library_unique_resource_vote")]

    def __str__(self) -> str:
        return f"{self.user} — {self.resource}"


class ReportKind(models.TextChoices):
    OBSOLETE = "obsolete", "Obsolète"
    ERROR = "error", "Erreur"
    BROKEN_LINK = "broken_link", "Lien cassé"


class ReportStatus(models.TextChoices):
    OPEN = "open", "À traiter"
    RESOLVED = "resolved", "Corrigé"
    DISMISSED = "dismissed", "Écarté"


class ResourceReportQuerySet(models.QuerySet):
    def pending(self) -> "ResourceReportQuerySet":
        return self.filter(status=ReportStatus.OPEN)


class ResourceReport(models.Model):
    """Someone says a resource is out of date or wrong: it goes to the coordinators' moderation queue."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("nature", max_length=20, choices=ReportKind.choices)
    message = models.TextField("ce qui ne va pas", max_length=2000)
    contact = models.CharField("contact", max_length=200, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("reçu le", default=timezone.now, db_index=True)
    status = models.CharField("état", max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField("traité le", null=True, blank=True)
    response = models.TextField("réponse", blank=True)

    objects = ResourceReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "signalement d'une ressource"
        verbose_name_plural = "signalements des ressources"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReportKind.values), name="library_resource_report_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="library_resource_report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.resource}"


class CollectionQuerySet(models.QuerySet):
    def public(self) -> "CollectionQuerySet":
        return self.filter(is_public=True)

    def visible_to(self, user: object) -> "CollectionQuerySet":
        if getattr(user, "is_authenticated", False):
            return self.filter(models.Q(is_public=True) | models.Q(owner=user))
        return self.public()


class Collection(models.Model):
    """An ordered list of resources, kept by a member or by the coordination, public or private."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=220, editable=False)
    description = models.TextField("présentation", blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_collections", verbose_name="tenue par"
    )
    by_coordination = models.BooleanField("collection de la coordination", default=False)
    is_public = models.BooleanField("publique", default=False)
    resources = models.ManyToManyField(Resource, through="CollectionItem", related_name="collections")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-by_coordination", "title"]
        verbose_name = "collection"

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = slugify(self.title)[:220] or "collection"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:collection", kwargs={"pk": self.pk, "slug": self.slug})


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField("ordre", default=0)
    note = models.CharField("note", max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "ressource d'une collection"
        constraints = [
            models.UniqueConstraint(fields=["collection", "resource"], name="library_unique_collection_item")
        ]

    def __str__(self) -> str:
        return f"{self.collection} — {self.resource}"
