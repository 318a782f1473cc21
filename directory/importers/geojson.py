"""The places as GeoJSON (RFC 7946): one Point feature per place not closed for good.

Coordinates are [longitude, latitude] in WGS 84 with six decimals (about ten
centimetres). Properties are flat where a map tool expects a value
(`nom`, `commune`, `url`…) and lists of {code, libelle} for the vocabularies.
The licences and credits the data carries are foreign members of the
collection, written after the features so that the file can be streamed.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from directory.importers.licences import CREDITS, credit_entries, licence_entries
from directory.importers.mednum_terms import TermIndex
from directory.importers.publishing import Facts, licence_name, public_id, published, published_batches
from directory.importers.records import PlaceData
from directory.models import Place, PlaceStatus


def feature(place: PlaceData, terms: TermIndex, facts: Facts) -> dict[str, Any]:
    def listed(vocabulary: str, codes: Iterable[str]) -> list[dict[str, str]]:
        return [{"code": code, "libelle": terms.label(vocabulary, code)} for code in terms.ordered(vocabulary, codes)]

    machines = {item.kind: item for item in place.equipment}
    identifier = public_id(place)
    credit = CREDITS.get(place.source)
    return {
        "type": "Feature",
        "id": identifier,
        "geometry": {
            "type": "Point",
            "coordinates": [round(place.longitude or 0.0, 6), round(place.latitude or 0.0, 6)],
        },
        "properties": {
            "id": identifier,
            "nom": place.name,
            "code_insee": place.commune,
            "commune": facts.commune_name(place.commune),
            "adresse": place.address,
            "code_postal": facts.postcode(place),
            "etat": place.status,
            "etat_libelle": PlaceStatus(place.status).label,
            "itinerant": place.is_itinerant,
            "typologies": listed("typology", place.typologies),
            "services": listed("service", place.services),
            "equipements": [
                {
                    "code": kind,
                    "libelle": terms.label("equipment", kind),
                    "nombre": machines[kind].quantity,
                    "a_confirmer": not machines[kind].verified,
                }
                for kind in terms.ordered("equipment", machines)
            ],
            "telephone": place.phone,
            "courriel": place.email,
            "site_web": place.website,
            "horaires": place.opening_hours,
            "url": facts.url(place),
            "date_maj": facts.date_maj(place).isoformat(),
            "source": place.source,
            "credit": credit.credit if credit else "",
            "licence": place.licence,
            "licence_nom": licence_name(place.licence),
        },
    }


def _document(batches: Iterable[tuple[list[PlaceData], Facts]]) -> Iterator[str]:
    """The collection as text: its opening, one piece per batch of features, then licences and credits."""
    terms = TermIndex.from_database()
    used: set[tuple[str, str]] = set()
    yield '{"type": "FeatureCollection", "features": ['
    for places, facts in batches:
        if not places:
            continue
        separator = ",\n" if used else "\n"
        yield separator + ",\n".join(json.dumps(feature(p, terms, facts), ensure_ascii=False) for p in places)
        used |= {(place.source, place.licence) for place in places}
    tail = {"licences": licence_entries(used), "credits": credit_entries(used)}
    yield ("\n" if used else "") + "], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n"


def write_geojson(places: Sequence[PlaceData]) -> bytes:
    chosen = published(places)
    return "".join(_document([(chosen, Facts.load(chosen))])).encode("utf-8")


def iter_geojson(queryset: QuerySet[Place], *, keep_order: bool = False) -> Iterator[bytes]:
    """The GeoJSON of the places of queryset, a batch of features at a time: for a StreamingHttpResponse.

    Gives the same bytes as the `geojson` export of the same places; with keep_order, features follow
    the queryset's order instead of the identifiers'.
    """
    for chunk in _document(published_batches(queryset, keep_order=keep_order)):
        yield chunk.encode("utf-8")
