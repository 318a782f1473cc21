from django.apps import AppConfig

# The version of the roadmap's public pages kept as rendered (aiguillage.page_cache): renewed by any write to
# the roadmap, the funding catalogue it suggests from, the library it links to, or a place it counts.
PAGES_KEY = "roadmap:pages"
SHOWN_APPS = frozenset({"roadmap", "funding", "library"})


def _written(sender: type, **kwargs: object) -> None:
    if sender._meta.app_label in SHOWN_APPS:  # type: ignore[attr-defined]
        from aiguillage import page_cache

        page_cache.forget(PAGES_KEY)


def _places_changed(**kwargs: object) -> None:
    from aiguillage import page_cache

    page_cache.forget(PAGES_KEY)


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Feuille de route"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from directory.index import places_changed

        post_save.connect(_written, dispatch_uid="roadmap-pages-saved")
        post_delete.connect(_written, dispatch_uid="roadmap-pages-deleted")
        m2m_changed.connect(_written, dispatch_uid="roadmap-pages-m2m")
        places_changed.connect(_places_changed, dispatch_uid="roadmap-pages-places")
