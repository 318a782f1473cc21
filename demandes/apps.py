from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_reference_data(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from demandes.reference_data import sync_reference_data

    sync_reference_data(using=using)


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes et orientations"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from demandes.forms import forget_blank_fields
        from demandes.models import NeedCategory
        from demandes.suggestions import THESAURUS_READER, forget_categories
        from directory.models import Term
        from directory.needs import register_need_reader

        # The public search understands what the routing understands.
        register_need_reader(THESAURUS_READER)
        post_migrate.connect(_sync_reference_data, sender=self)
        post_migrate.connect(forget_categories, sender=self, dispatch_uid="categories-migrated")
        for model in (NeedCategory, Term):
            post_save.connect(forget_categories, sender=model, dispatch_uid=f"categories-{model.__name__}-saved")
            post_delete.connect(forget_categories, sender=model, dispatch_uid=f"categories-{model.__name__}-deleted")
        post_save.connect(forget_blank_fields, sender=Term, dispatch_uid="blank-request-fields-saved")
        post_delete.connect(forget_blank_fields, sender=Term, dispatch_uid="blank-request-fields-deleted")
        for relation in (NeedCategory.services.through, NeedCategory.equipment.through):
            m2m_changed.connect(forget_categories, sender=relation, dispatch_uid=f"categories-{relation.__name__}")
