from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_reference_data(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from demandes.reference_data import sync_reference_data

    sync_reference_data(using=using)


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes et orientations"

    def ready(self) -> None:
        post_migrate.connect(_sync_reference_data, sender=self)
