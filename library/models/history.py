from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ChangeAction(models.TextChoices):
    CREATE = "create", "Création"
    EDIT = "edit", "Modification"
    PUBLISH = "publish", "Publication"
    WITHDRAW = "withdraw", "Retrait"
    SUBMIT = "submit", "Envoi en relecture"
    REVIEW = "review", "Relecture et publication"
    CANCEL = "cancel", "Annulation"
    HIDE = "hide", "Masquage"
    REPORT = "report", "Traitement d'un signalement"


class LibraryChange(models.Model):
    """One recorded change of a resource, event, answer sheet or post: who, when, and each field before and after."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("le", default=timezone.now)
    action = models.CharField("nature", max_length=20, choices=ChangeAction.choices)
    # {field: {"label": French name, "before": text, "after": text}}
    fields = models.JSONField("champs", default=dict)
    note = models.CharField("note", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "modification dans les ressources"
        verbose_name_plural = "historique des ressources, de la veille et de l'agenda"
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="library_change_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ChangeAction.values), name="library_change_action_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.created_at:%d/%m/%Y %H:%M}"
