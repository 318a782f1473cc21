"""What every open-data writer shares: which places are published, their public identifiers, credits and dates.

The open-data formats (national standard, data·inclusion, GeoJSON) publish
only places that are not closed for good: a closed place on a national map
sends people to a shut door. Their identifier is `<source>--<source_id>`,
stable across exports and unique, the way data·inclusion builds its own.

PlaceData holds codes only; the writers also need a few facts it does not
carry (the page of the place, the last change of its record, commune names
and postcodes), loaded here in a fixed number of queries.
"""

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from directory.importers.exporter import load_place_data
from directory.importers.licences import CREDITS, LICENCES, REGISTRY, credit_entries, licence_entries
from directory.importers.records import PlaceData
from directory.models import Place, PlaceStatus
from territory.models import Commune

ID_SEPARATOR = "--"
SOURCE_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,49}$")
DEFAULT_LICENCE = REGISTRY.default_licence
# Places read from the database per batch when a file is streamed.
BATCH_SIZE = 500


def is_published(place: PlaceData) -> bool:
    return place.status != PlaceStatus.CLOSED


def public_id(place: PlaceData) -> str:
    return f"{place.source}{ID_SEPARATOR}{place.source_id}"


def split_public_id(value: str) -> tuple[str, str] | None:
    """(source, source_id) of an identifier written as `<source>--<source_id>`, None for any other form."""
    source, separator, source_id = value.partition(ID_SEPARATOR)
    if not separator or not source_id or not SOURCE_CODE.match(source) or len(source_id) > 100:
        return None
    return source, source_id


def collector(source: str) -> str:
    """Who collected the data, for the national standard's `source` column: the credit a source requires, or us."""
    credit = CREDITS.get(source)
    return credit.credit if credit else settings.SITE_NAME


def licence_name(code: str) -> str:
    known = LICENCES.get(code)
    return known.name if known else code


def licences_and_credits(places: Iterable[PlaceData]) -> dict[str, list[Any]]:
    used = [(place.source, place.licence) for place in places]
    return {"licences": licence_entries(used), "credits": credit_entries(used)}


@dataclass(frozen=True)
class CommuneFacts:
    name: str
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class RecordFacts:
    pk: int
    slug: str
    changed_on: dt.date


class Facts:
    """What the writers need beyond PlaceData, for a set of places."""

    def __init__(self, communes: dict[str, CommuneFacts], records: dict[tuple[str, str], RecordFacts]) -> None:
        self.communes = communes
        self.records = records

    @classmethod
    def load(cls, places: Sequence[PlaceData], queryset: QuerySet[Place] | None = None) -> "Facts":
        codes = {place.commune for place in places} | {stop.commune for place in places for stop in place.stops}
        communes = {
            code: CommuneFacts(name, tuple(postcodes.split()))
            for code, name, postcodes in Commune.objects.filter(code__in=codes).values_list("code", "name", "postcodes")
        }
        keys = {place.key for place in places}
        rows = (queryset if queryset is not None else Place.objects.all()).values_list(
            "source", "source_id", "pk", "slug", "updated_at"
        )
        records = {
            (source, source_id): RecordFacts(pk, slug, timezone.localdate(updated_at))
            for source, source_id, pk, slug, updated_at in rows.order_by()
            if (source, source_id) in keys
        }
        return cls(communes, records)

    def commune_name(self, code: str) -> str:
        known = self.communes.get(code)
        return known.name if known else ""

    def postcode(self, place: PlaceData) -> str:
        """The place's postcode, or its commune's first one when the record has none."""
        if place.postcode:
            return place.postcode
        known = self.communes.get(place.commune)
        return known.postcodes[0] if known and known.postcodes else ""

    def url(self, place: PlaceData) -> str:
        record = self.records.get(place.key)
        if record is None:
            return ""
        return settings.SITE_URL + reverse("directory:place", kwargs={"pk": record.pk, "slug": record.slug})

    def date_maj(self, place: PlaceData) -> dt.date:
        """The date the data was last known true: date_maj, else the last change of the record in the directory."""
        if place.date_maj is not None:
            return place.date_maj
        record = self.records.get(place.key)
        return record.changed_on if record else timezone.localdate()


def published_batches(
    queryset: QuerySet[Place], *, keep_order: bool = False
) -> Iterator[tuple[list[PlaceData], Facts]]:
    """The published places of queryset, a batch at a time, with their facts.

    Ordered by (source, source_id) like the whole-file exports, or in the queryset's own order with
    keep_order (search results ranked by relevance or distance).
    """
    chosen = queryset.exclude(status=PlaceStatus.CLOSED)
    if keep_order:
        ids = list(dict.fromkeys(chosen.values_list("pk", flat=True)))
    else:
        # Sorted here rather than by the database, whose collation may not order strings as Python does.
        ids = [pk for _, _, pk in sorted(set(chosen.order_by().values_list("source", "source_id", "pk")))]
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        chunk = Place.objects.filter(pk__in=batch)
        loaded = load_place_data(chunk)
        places = [loaded[pk] for pk in batch if pk in loaded]
        yield places, Facts.load(places, chunk)


def published(places: Sequence[PlaceData]) -> list[PlaceData]:
    return sorted((place for place in places if is_published(place)), key=lambda place: place.key)


@dataclass(frozen=True)
class OpenDataset:
    """One file of the open-data page: what it holds and since when."""

    format_name: str
    label: str
    media_type: str
    extension: str
    places: int
    records: int
    records_label: str
    last_update: dt.datetime | None
    licences: list[dict[str, object]]
    credits: list[dict[str, str]]


def open_datasets(queryset: QuerySet[Place] | None = None) -> list[OpenDataset]:
    """The open-data files of the places of queryset (all by default), with counts, last change, licences."""
    queryset = (Place.objects.all() if queryset is None else queryset).exclude(status=PlaceStatus.CLOSED)
    state = queryset.aggregate(last=Max("updated_at"))
    pairs = list(queryset.order_by().values_list("source", "licence").distinct())
    licences, credits = licence_entries(pairs), credit_entries(pairs)
    count = queryset.count()
    services = Place.services.through.objects.filter(place__in=queryset.order_by().values("pk")).count()
    formats = (
        ("mednum-csv", "Schéma des lieux de médiation numérique v1.0.2 (CSV)", "text/csv", "csv", count, "lieux"),
        (
            "mednum-json",
            "Schéma des lieux de médiation numérique v1.0.2 (JSON)",
            "application/json",
            "json",
            count,
            "lieux",
        ),
        (
            "data-inclusion",
            "data·inclusion v1, structures et services (JSON)",
            "application/json",
            "json",
            count + services,
            "structures et services",
        ),
        ("geojson", "GeoJSON (carte des lieux)", "application/geo+json", "geojson", count, "lieux"),
    )
    return [
        OpenDataset(name, label, media_type, extension, count, records, records_label, state["last"], licences, credits)
        for name, label, media_type, extension, records, records_label in formats
    ]
