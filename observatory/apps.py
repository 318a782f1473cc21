from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = "Observatoire"

    def ready(self) -> None:
        from directory.index import places_changed
        from observatory import page_cache

        places_changed.connect(page_cache.forget, dispatch_uid="observatory-page-cache")
