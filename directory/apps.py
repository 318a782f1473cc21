from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_vocabularies(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from directory.vocabularies import sync_vocabularies

    sync_vocabularies(using=using)


def _sync_likely_services(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from directory.vocabularies import sync_likely_services

    sync_likely_services(using=using)


def _fill_search_index(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """A database migrated from before the search index gets it filled once."""
    from directory import index
    from directory.models import Place, PlacePoint

    if using == "default" and not PlacePoint.objects.exists() and Place.objects.public().exists():
        index.rebuild()


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Annuaire des lieux"

    def ready(self) -> None:
        from directory import kept_pages, signals

        post_migrate.connect(_sync_vocabularies, sender=self)
        post_migrate.connect(_sync_likely_services, sender=self)
        post_migrate.connect(_fill_search_index, sender=self)
        signals.connect()
        kept_pages.connect()
