from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Feuille de route"
    default_auto_field = "django.db.models.BigAutoField"
