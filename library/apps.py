from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_vocabularies(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from library.vocabularies import sync_vocabularies

    sync_vocabularies(using=using)


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Ressources, veille et agenda"

    def ready(self) -> None:
        post_migrate.connect(_sync_vocabularies, sender=self)
        from directory.index import places_changed
        from library.stops import forget_visits

        places_changed.connect(forget_visits, dispatch_uid="library-stop-visits")
