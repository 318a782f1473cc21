"""Keep the search index (directory/index.py) in step with every write to a place, its relations, machines and stops."""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete

from directory import index, search
from directory.models import Equipment, ItinerantStop, LikelyService, Place, Term

# Labels are read for the services they make likely (LikelyService).
INDEXED_RELATIONS = ("typologies", "services", "audiences", "accessibility", "accessibility_no", "labels")
_deleting = threading.local()


def _being_deleted() -> set[int]:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    return _deleting.ids


def _refresh(place_ids: set[int] | list[int]) -> None:
    # A place being deleted takes its points with it; writing new ones would break the deletion.
    wanted = set(place_ids) - _being_deleted()
    if wanted:
        index.refresh(wanted)


def _place_saved(sender: type, instance: Place, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        _refresh({instance.pk})


def _place_deleting(sender: type, instance: Place, **kwargs: object) -> None:
    _being_deleted().add(instance.pk)


def _place_deleted(sender: type, instance: Place, **kwargs: object) -> None:
    _being_deleted().discard(instance.pk)


def _part_changed(sender: type, instance: Equipment | ItinerantStop, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        _refresh({instance.place_id})


def _relation_changed(
    sender: type, instance: object, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: object
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _refresh({instance.pk})  # type: ignore[attr-defined]
        return
    # From the term's side: the places are the pk_set, or, for a clear, those linked just before.
    if action == "pre_clear":
        instance._index_places = set(sender.objects.filter(term_id=instance.pk).values_list("place_id", flat=True))  # type: ignore[attr-defined]
    elif action == "post_clear":
        _refresh(getattr(instance, "_index_places", set()))
    elif action in ("post_add", "post_remove") and pk_set:
        _refresh(pk_set)


def _term_deleting(sender: type, instance: Term, **kwargs: object) -> None:
    places: set[int] = set()
    for name in INDEXED_RELATIONS:
        through = Place._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        places.update(through.objects.filter(term_id=instance.pk).values_list("place_id", flat=True))
    instance._index_places = places  # type: ignore[attr-defined]


def _term_deleted(sender: type, instance: Term, **kwargs: object) -> None:
    _refresh(getattr(instance, "_index_places", set()))


def _places_of(term_id: int) -> set[int]:
    places: set[int] = set()
    for name in ("typologies", "labels"):
        through = Place._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        places.update(through.objects.filter(term_id=term_id).values_list("place_id", flat=True))
    return places


def _likely_rule_changed(sender: type, instance: LikelyService, raw: bool = False, **kwargs: object) -> None:
    """A rule was added, edited or removed: the places of its type or label (before and after) are read again."""
    if raw:
        return
    terms = {instance.term_id, getattr(instance, "_previous_term_id", instance.term_id)}
    _refresh(set().union(*(_places_of(term_id) for term_id in terms if term_id is not None)))


def _likely_rule_loaded(sender: type, instance: LikelyService, **kwargs: object) -> None:
    instance._previous_term_id = instance.term_id  # type: ignore[attr-defined]


def _likely_services_changed(sender: type, instance: object, action: str, reverse: bool, **kwargs: object) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        if reverse:
            rules = LikelyService.objects.filter(pk__in=kwargs.get("pk_set") or ())
            _refresh(set().union(set(), *(_places_of(rule.term_id) for rule in rules)))
        else:
            _refresh(_places_of(instance.term_id))  # type: ignore[attr-defined]


def connect() -> None:
    post_save.connect(_place_saved, sender=Place, dispatch_uid="index-place-saved")
    pre_delete.connect(_place_deleting, sender=Place, dispatch_uid="index-place-deleting")
    post_delete.connect(_place_deleted, sender=Place, dispatch_uid="index-place-deleted")
    for model in (Equipment, ItinerantStop):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"index-{model.__name__}-saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"index-{model.__name__}-deleted")
    for name in INDEXED_RELATIONS:
        through = Place._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"index-{name}-changed")
    post_init.connect(_likely_rule_loaded, sender=LikelyService, dispatch_uid="index-likely-loaded")
    post_save.connect(_likely_rule_changed, sender=LikelyService, dispatch_uid="index-likely-saved")
    post_delete.connect(_likely_rule_changed, sender=LikelyService, dispatch_uid="index-likely-deleted")
    m2m_changed.connect(
        _likely_services_changed, sender=LikelyService.services.through, dispatch_uid="index-likely-services"
    )
    post_save.connect(search.forget_terms, sender=Term, dispatch_uid="terms-saved")
    post_delete.connect(search.forget_terms, sender=Term, dispatch_uid="terms-deleted")
    pre_delete.connect(_term_deleting, sender=Term, dispatch_uid="index-term-deleting")
    post_delete.connect(_term_deleted, sender=Term, dispatch_uid="index-term-deleted")
