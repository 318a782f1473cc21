"""The place page's record in a fixed, small number of queries, whatever the size of the directory.

Prefetching the nine vocabularies, the machines and the stops took twelve queries, most of their time spent
compiling SQL. The terms are already in memory (``search.all_terms``, a minute in the cache): one UNION query
gives the term ids of every relation at once, machines and stops are read only when the profile says the place
has some, and the results are put where the prefetches would have put them, so the template reads the same
``place.services.all`` and renders the same HTML.
"""

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from directory.index import Profile
from directory.models import Equipment, ItinerantStop, Place, Term
from directory.search import all_terms

# Every many-to-many relation of a place to the vocabularies (typologies, services, accessibility said yes and
# said no…): the place page shows them all.
TERM_RELATIONS = tuple(field.name for field in Place._meta.many_to_many if field.related_model is Term)


def _union_sql() -> str:
    quote = connection.ops.quote_name
    parts = []
    for position, name in enumerate(TERM_RELATIONS):
        table = quote(Place._meta.get_field(name).remote_field.through._meta.db_table)  # type: ignore[union-attr]
        parts.append(f"SELECT {position}, {quote('term_id')} FROM {table} WHERE {quote('place_id')} = %s")
    return " UNION ALL ".join(parts)


def _cached(model: type, items: list) -> QuerySet:
    """A queryset already evaluated, as prefetch_related leaves one."""
    queryset = model._default_manager.none()  # type: ignore[attr-defined]
    queryset._result_cache = items
    queryset._prefetch_done = True
    return queryset


def attach_relations(place: Place) -> None:
    """Fill the place's relations from the cached vocabulary, in the order the prefetches would have given."""
    terms = all_terms()
    chosen: list[set[int]] = [set() for _ in TERM_RELATIONS]
    with connection.cursor() as cursor:
        cursor.execute(_union_sql(), [place.pk] * len(TERM_RELATIONS))
        for position, term_id in cursor.fetchall():
            chosen[position].add(term_id)
    cache: dict[str, QuerySet] = {}
    for position, name in enumerate(TERM_RELATIONS):
        ids = chosen[position]
        # all_terms() is in the terms' own order (vocabulary, position, label): the order of the prefetch.
        cache[name] = _cached(Term, [term for term in terms if term.pk in ids] if ids else [])
    profile = Profile.load(place.profile)
    machines: list[Equipment] = []
    # The profile is kept in step by every write (directory/index.py): it says whether there are machines, stops.
    if profile.equipment:
        machines = list(Equipment.objects.filter(place_id=place.pk).select_related("kind"))
    cache["equipment"] = _cached(Equipment, machines)
    stops: list[ItinerantStop] = []
    if profile.stops or place.is_itinerant:
        stops = list(ItinerantStop.objects.filter(place_id=place.pk).select_related("commune"))
    cache["stops"] = _cached(ItinerantStop, stops)
    place._prefetched_objects_cache = cache  # type: ignore[attr-defined]


def get_place_for_page(pk: int) -> Place:
    place = get_object_or_404(Place.objects.select_related("commune__departement", "operator"), pk=pk)
    attach_relations(place)
    return place


def record_summary(place: Place) -> list[tuple[str, str]]:
    """The record as a list of (what, value) in plain French, for a manager who confirms it is right."""
    from aiguillage.lib import opening_hours

    attach_relations(place)

    def names(items: object) -> str:
        return ", ".join(str(item) for item in items) or "non renseigné"  # type: ignore[attr-defined]

    try:
        hours = opening_hours.describe(place.opening_hours) if place.opening_hours else "non renseignés"
    except opening_hours.OpeningHoursError:
        hours = place.opening_hours
    address = ", ".join(part for part in (place.address, place.address_complement) if part)
    commune = f"{place.postcode} {place.commune.name}".strip()
    access_yes = [term.label for term in place.accessibility.all()]
    access_no = [term.label for term in place.accessibility_no.all()]
    access = "; ".join(
        part
        for part in (
            ("oui : " + ", ".join(access_yes)) if access_yes else "",
            ("non : " + ", ".join(access_no)) if access_no else "",
        )
        if part
    )
    return [
        ("Nom", place.name),
        ("Adresse", f"{address}, {commune}" if address else commune),
        ("État", place.get_status_display()),
        ("Horaires", hours + (f" ({place.opening_hours_note})" if place.opening_hours_note else "")),
        ("Téléphone", place.phone or "non renseigné"),
        ("Courriel", place.email or "non renseigné"),
        ("Site web", place.website or "non renseigné"),
        ("Services", names(term.label for term in place.services.all())),
        ("Machines", names(f"{item.kind.label} × {item.quantity}" for item in place.equipment.all())),
        ("Qui peut venir", names(term.label for term in place.audiences.all())),
        ("Accessibilité", access or "non renseignée"),
    ]
