from django.conf import settings
from django.db import models
from django.utils import timezone


class PageKind(models.TextChoices):
    LEGAL_NOTICE = "legal_notice", "Mentions légales"
    PRIVACY = "privacy", "Données personnelles"
    ACCESSIBILITY = "accessibility", "Déclaration d'accessibilité"


class LegalPage(models.Model):
    """A page a French public service owes. Without a row, or with an empty text, the default (built from the
    settings) is shown; coordinators replace it with their own text."""

    kind = models.CharField("page", max_length=20, choices=PageKind.choices, unique=True)
    body = models.TextField(
        "texte",
        max_length=30000,
        blank=True,
        help_text="Texte brut : une ligne vide sépare deux paragraphes. Vide : le texte par défaut est affiché.",
    )
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "page légale"
        verbose_name_plural = "pages légales"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=PageKind.values), name="legal_page_kind_valid")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
