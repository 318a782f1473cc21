from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from library.matching import folded_words
from library.models.resources import Resource
from library.models.vocabularies import Theme


class SheetStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    TO_REVIEW = "to_review", "À relire"
    PUBLISHED = "published", "Publiée"


class AnswerSheetQuerySet(models.QuerySet):
    def published(self) -> "AnswerSheetQuerySet":
        return self.filter(status=SheetStatus.PUBLISHED)


class AnswerSheet(models.Model):
    """A short, reviewed answer to a question people bring to a mediator, to read or to hand over on paper."""

    question = models.CharField("question", max_length=200, help_text="Telle que les gens la posent.")
    slug = models.SlugField(max_length=220, unique=True, editable=False)
    summary = models.CharField("en bref", max_length=400, help_text="La réponse en deux phrases.")
    body = models.TextField(
        "la réponse",
        max_length=3000,
        help_text="Des phrases courtes. Une ligne qui commence par « - » devient un point de liste.",
    )
    next_step = models.CharField(
        "et ensuite ?", max_length=300, blank=True, help_text="Où aller, qui appeler pour la suite."
    )
    themes = models.ManyToManyField(Theme, related_name="answer_sheets", verbose_name="thèmes")
    need_categories = models.ManyToManyField(
        "demandes.NeedCategory",
        blank=True,
        related_name="library_answer_sheets",
        verbose_name="besoins liés",
        help_text="Les lieux qui répondent à ces besoins sont proposés sur la fiche imprimée.",
    )
    resources = models.ManyToManyField(Resource, blank=True, related_name="answer_sheets", verbose_name="ressources")
    status = models.CharField("état", max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="relue par",
    )
    reviewed_on = models.DateField("relue le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)

    objects = AnswerSheetQuerySet.as_manager()

    class Meta:
        ordering = ["question"]
        verbose_name = "fiche réponse"
        verbose_name_plural = "fiches réponses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SheetStatus.values), name="library_sheet_status_valid"
            ),
            # Nothing reaches the public without a named reviewer and a date.
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (models.Q(reviewer__isnull=False) & models.Q(reviewed_on__isnull=False)),
                name="library_sheet_published_is_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = unique_slug(self.question)
        self.search_title = folded_words(self.question)
        self.search_body = folded_words(f"{self.summary} {self.body} {self.next_step}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:sheet", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == SheetStatus.PUBLISHED

    def blocks(self) -> list[tuple[str, list[str]]]:
        """The answer as ("p", [text]) paragraphs and ("ul", [items]) lists, for the page and the printout."""
        blocks: list[tuple[str, list[str]]] = []
        for line in self.body.splitlines():
            text = line.strip()
            if not text:
                blocks.append(("", []))
                continue
            if text.startswith("- "):
                if blocks and blocks[-1][0] == "ul":
                    blocks[-1][1].append(text[2:].strip())
                else:
                    blocks.append(("ul", [text[2:].strip()]))
            elif blocks and blocks[-1][0] == "p":
                blocks[-1][1].append(text)
            else:
                blocks.append(("p", [text]))
        return [(kind, [" ".join(items)] if kind == "p" else items) for kind, items in blocks if kind]


def unique_slug(question: str) -> str:
    base = slugify(question)[:200] or "fiche"
    slug, number = base, 2
    while AnswerSheet.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug
