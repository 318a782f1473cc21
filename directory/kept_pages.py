"""Versions of the directory's public pages kept as rendered (aiguillage.page_cache), and the writes that renew them.

- ``LISTS_KEY``: results, map, the list of all places, the widget. Any change of any place renews it.
- ``PLACES_KEY``: every place page. Renewed by what all of them show besides their own record: the vocabularies,
  operators, communes, the rules of likely services, the library's resources and events.
- ``place_key(pk)``: one place's page, renewed with its record, relations, machines and stops.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from aiguillage import page_cache

LISTS_KEY = "directory:lists"
PLACES_KEY = "directory:places"
# Past this many places changed at once (an import), every place page is renewed by one key, not one by one.
ONE_BY_ONE = 200
# Models of the directory whose writes reach places_changed (the record and what hangs on it) or no public page.
_OWN_SIGNAL = frozenset({"place", "placepoint", "placechange", "equipment", "itinerantstop", "errorreport"})
_SHOWN_APPS = frozenset({"directory", "territory", "library"})


def place_key(pk: object) -> str:
    return f"directory:place:{pk}"


def places_changed(place_ids: object = (), **kwargs: object) -> None:
    ids = list(place_ids)  # type: ignore[call-overload]
    if len(ids) > ONE_BY_ONE:
        page_cache.forget(LISTS_KEY, PLACES_KEY)
    else:
        page_cache.forget(LISTS_KEY, *(place_key(pk) for pk in ids))


def _written(sender: type, **kwargs: object) -> None:
    meta = sender._meta  # type: ignore[attr-defined]
    if meta.app_label in _SHOWN_APPS and meta.model_name not in _OWN_SIGNAL:
        if meta.app_label == "directory" and meta.auto_created:
            return  # a place's relation to a term: places_changed says which place
        page_cache.forget(LISTS_KEY, PLACES_KEY)


def connect() -> None:
    from directory import index

    index.places_changed.connect(places_changed, dispatch_uid="directory-kept-pages")
    post_save.connect(_written, dispatch_uid="directory-kept-pages-saved")
    post_delete.connect(_written, dispatch_uid="directory-kept-pages-deleted")
    m2m_changed.connect(_written, dispatch_uid="directory-kept-pages-m2m")
