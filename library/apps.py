from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

# The version of the library's public lists kept as rendered (aiguillage.page_cache): renewed by any write to the
# library and by any change of a place (the agenda shows the itinerant units' stops, resources the places).
PAGES_KEY = "library:pages"


def _written(sender: type, **kwargs: object) -> None:
    if sender._meta.app_label == "library":  # type: ignore[attr-defined]
        from aiguillage import page_cache

        page_cache.forget(PAGES_KEY)


def _places_changed(**kwargs: object) -> None:
    from aiguillage import page_cache

    page_cache.forget(PAGES_KEY)


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
        places_changed.connect(_places_changed, dispatch_uid="library-pages-places")
        post_save.connect(_written, dispatch_uid="library-pages-saved")
        post_delete.connect(_written, dispatch_uid="library-pages-deleted")
        m2m_changed.connect(_written, dispatch_uid="library-pages-m2m")
