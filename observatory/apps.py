from django.apps import AppConfig

# The version of the observatory's kept public page: renewed whenever a place changes.
PAGES_KEY = "observatory:pages"


def _places_changed(**kwargs: object) -> None:
    from aiguillage import page_cache

    page_cache.forget(PAGES_KEY)


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = "Observatoire"

    def ready(self) -> None:
        from directory.index import places_changed

        places_changed.connect(_places_changed, dispatch_uid="observatory-pages")
