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


class HelpLine(models.Model):
    """The territory's help line, for people who cannot use the site: one row at most.

    Without a row, or with an empty field, the default from the settings (HELP_LINE_PHONE, HELP_LINE_HOURS) is
    shown; coordinators replace it from /coordination/ligne-d-aide/.
    """

    phone = models.CharField("téléphone", max_length=30, blank=True)
    hours = models.CharField(
        "horaires",
        max_length=300,
        blank=True,
        help_text="En toutes lettres, par exemple « du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h ».",
    )
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "ligne d'aide"
        verbose_name_plural = "ligne d'aide"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="legal_help_line_single_row")]

    def __str__(self) -> str:
        return self.phone or "ligne d'aide (valeurs par défaut)"
