from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_vocabularies(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from directory.vocabularies import sync_vocabularies

    sync_vocabularies(using=using)


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Annuaire des lieux"

    def ready(self) -> None:
        post_migrate.connect(_sync_vocabularies, sender=self)
