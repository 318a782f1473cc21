"""From the database to PlaceData, for every format that writes and for the writer's comparisons.

Read with plain value queries (one per relation, whatever the number of
places): building model instances for hundreds of places and their
relations costs more than the import itself.
"""

from collections import defaultdict

from django.db import models
from django.db.models import QuerySet

from directory.importers.records import (
    SCALAR_FIELDS,
    TERM_FIELDS,
    EquipmentData,
    OperatorData,
    PlaceData,
    StopData,
)
from directory.models import Equipment, ItinerantStop, Place

OPERATOR_VALUES = ("operator__name", "operator__siret", "operator__rna", "operator__website")


def load_place_data(queryset: QuerySet[Place]) -> dict[int, PlaceData]:
    """PlaceData of each place of queryset, by primary key."""
    rows = list(queryset.values("pk", "commune__code", "operator_id", *OPERATOR_VALUES, *SCALAR_FIELDS))
    if not rows:
        return {}
    # A sub-query rather than a list of ids: no limit on the number of places.
    ids = queryset.order_by().values("pk")
    terms: dict[str, dict[int, list[str]]] = {}
    for name in TERM_FIELDS:
        relation: models.ManyToManyField = Place._meta.get_field(name)  # type: ignore[assignment]
        through = relation.remote_field.through
        own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        codes: dict[int, list[str]] = defaultdict(list)
        for place_id, code in through.objects.filter(**{f"{own}_id__in": ids}).values_list(
            f"{own}_id", f"{other}__code"
        ):
            codes[place_id].append(code)
        terms[name] = codes
    equipment: dict[int, list[EquipmentData]] = defaultdict(list)
    for place_id, kind, quantity, notes, verified in Equipment.objects.filter(place_id__in=ids).values_list(
        "place_id", "kind__code", "quantity", "notes", "verified"
    ):
        equipment[place_id].append(EquipmentData(kind=kind, quantity=quantity, notes=notes, verified=verified))
    stops: dict[int, list[StopData]] = defaultdict(list)
    for place_id, position, commune, location, schedule, notes in ItinerantStop.objects.filter(
        place_id__in=ids
    ).values_list("place_id", "position", "commune__code", "location", "schedule", "notes"):
        stops[place_id].append(
            StopData(position=position, commune=commune, location=location, schedule=schedule, notes=notes)
        )

    result: dict[int, PlaceData] = {}
    for row in rows:
        pk = row["pk"]
        operator = None
        if row["operator_id"] is not None:
            operator = OperatorData(*(row[key] for key in OPERATOR_VALUES))
        result[pk] = PlaceData(
            **{name: row[name] for name in SCALAR_FIELDS},
            **{name: tuple(sorted(terms[name].get(pk, ()))) for name in TERM_FIELDS},
            commune=row["commune__code"],
            operator=operator,
            equipment=tuple(sorted(equipment.get(pk, ()))),
            stops=tuple(sorted(stops.get(pk, ()))),
        )
    return result


def export_data(queryset: QuerySet[Place] | None = None) -> list[PlaceData]:
    """Every place of queryset (all places by default), ordered by (source, source_id)."""
    queryset = Place.objects.all() if queryset is None else queryset
    return sorted(load_place_data(queryset.order_by()).values(), key=lambda place: place.key)
