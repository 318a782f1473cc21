from django.apps import AppConfig
from django.db.models.signals import post_save


class TerritoryConfig(AppConfig):
    name = "territory"
    verbose_name = "Territoire"

    def ready(self) -> None:
        from territory.models import Commune
        from territory.words import commune_saved

        post_save.connect(commune_saved, sender=Commune, dispatch_uid="territory-commune-words")
