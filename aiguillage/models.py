from django.db import models
from django.utils import timezone


class PendingEmail(models.Model):
    """Emails a web request asked for and left to ``send_outbox`` to build: a small payload, not the messages.

    Rendering the messages, reading their recipients and writing them to the queue cost a submission more than
    its own rows; the row is written in the request's transaction, so that what was asked survives a crash,
    and the outbox builds and queues the messages in one transaction with the row's deletion (aiguillage/outbox.py).
    """

    # Dotted path of a function marked by outbox.builds_emails; it takes the payload as keyword arguments.
    builder = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "courriel à préparer"
        verbose_name_plural = "courriels à préparer"

    def __str__(self) -> str:
        return f"{self.builder} ({self.created_at:%Y-%m-%d %H:%M})"
