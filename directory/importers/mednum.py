"""The national standard, written: Schéma des lieux de médiation numérique v1.0.2, CSV and JSON.

Documented in French in docs/formats-nationaux.md. The CSV validates against
the standard's schema.json (multi-values joined with `|`); the JSON holds the
same 32 fields per place, under `lieux`, with the licences and credits of
the data at the top. Writing is deterministic (places by identifier, values
in the vocabulary's order, no timestamp), so that export, import, export
gives the same bytes.

Only places not closed for good are written. What the standard has no
column for goes to the end of `presentation_detail` (see mednum_extras) and
stays complete in our own format.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from aiguillage.lib import csvsafe
from directory.importers.mednum_extras import join_detail, render
from directory.importers.mednum_terms import COLUMN_FIELDS, TermIndex
from directory.importers.national import commune_label, national_export, street_label
from directory.importers.publishing import (
    Facts,
    collector,
    licences_and_credits,
    public_id,
    published,
    published_batches,
)
from directory.importers.records import PlaceData
from directory.models import Place

SCHEMA = {
    "name": "standard-mediation-num",
    "title": "Schéma des lieux de médiation numérique",
    "version": "v1.0.2",
    "homepage": "https://github.com/LaMednum/standard-mediation-num",
}
COLUMNS: tuple[str, ...] = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)
SEPARATOR = "|"
# The standard's placeholder when a place has neither SIRET nor RNA: it fits the pivot pattern.
NO_PIVOT = "00000000000000"
PHONE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")
ITINERANT, FIXED = "Itinérant", "Fixe"


def to_e164(phone: str) -> str:
    """A French number in the standard's international form (+33…), or "" when it is not one number."""
    compact = re.sub(r"[\s.\-()]", "", phone)
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        return "+33" + compact[1:]
    if re.fullmatch(r"0033[1-9]\d{8}", compact):
        return "+33" + compact[4:]
    return compact if PHONE.fullmatch(compact) else ""


def place_row(place: PlaceData, terms: TermIndex, facts: Facts) -> dict[str, Any]:
    """The 32 fields of the standard for one place: texts, numbers for the point, None for what is unknown.

    A value left absent is None (null in JSON, an empty cell in CSV): the national library skips absent
    fields, but reads "" as a value and refuses it.
    """
    national: dict[str, list[str]] = {column: [] for column in (*COLUMN_FIELDS, "autres_formations_labels")}

    def add(vocabulary: str, code: str) -> None:
        found = terms.written(vocabulary, code)
        if found is not None and found[1] not in national[found[0]]:
            national[found[0]].append(found[1])

    for attribute, vocabulary in dict(COLUMN_FIELDS.values()).items():
        codes = list(getattr(place, attribute))
        if attribute == "services":
            # With the national services that our innovation services and equipment stand for.
            codes += national_export().derived_services(place)
        for code in terms.ordered(vocabulary, codes):
            add(vocabulary, code)
    national["autres_formations_labels"] += [
        terms.label("label", code) for code in terms.ordered("label", place.labels) if not terms.national("label", code)
    ]
    operator = place.operator
    phone = to_e164(place.phone) if place.phone else ""
    commune = facts.commune_name(place.commune)
    block = render(place, terms, facts.commune_name, phone_fits=bool(phone) or not place.phone)
    row: dict[str, Any] = {
        "id": public_id(place),
        "pivot": (operator.siret or operator.rna or NO_PIVOT) if operator else NO_PIVOT,
        "nom": place.name,
        "commune": commune_label(commune),
        "code_postal": facts.postcode(place),
        "code_insee": place.commune,
        # The standard requires a street; a place known only by its commune is given the commune's name.
        "adresse": street_label(place.address) or commune_label(commune),
        "complement_adresse": place.address_complement,
        "latitude": None if place.latitude is None else round(place.latitude, 6),
        "longitude": None if place.longitude is None else round(place.longitude, 6),
        "telephone": phone,
        "courriels": place.email,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "presentation_resume": place.summary,
        "presentation_detail": join_detail(place.description, block),
        "source": collector(place.source),
        "itinerance": ITINERANT if place.is_itinerant else FIXED,
        "structure_parente": operator.name if operator else "",
        "date_maj": facts.date_maj(place).isoformat(),
        "fiche_acces_libre": place.acceslibre_url,
        "prise_rdv": place.booking_url,
    }
    row.update({column: SEPARATOR.join(values) for column, values in national.items()})
    return {column: _absent_as_none(row[column]) for column in COLUMNS}


def _absent_as_none(value: Any) -> Any:
    return None if value == "" else value


def is_national(place: PlaceData, terms: TermIndex) -> bool:
    """Whether the national export writes the place: with a national service, its own or one the crosswalk gives.

    The national library reads a place without a service as closed to the public: we leave it out instead.
    """
    return any(terms.written("service", code) for code in (*place.services, *national_export().derived_services(place)))


def national_places(queryset: QuerySet[Place]) -> QuerySet[Place]:
    """The places of queryset that is_national keeps, as a query (for counts without loading the places)."""
    terms = TermIndex.from_database()
    codes = [code for (vocabulary, code) in terms.rows if vocabulary == "service" and terms.written("service", code)]
    return national_export().with_service(queryset, codes)


def left_out(places: Sequence[PlaceData]) -> list[str]:
    """French lines for the export report: the published places the national export leaves out, and why."""
    terms = TermIndex.from_database()
    return [
        f"Laissé de côté : « {place.name} » ({public_id(place)}) — aucun service du standard national ne peut être "
        "dit de ce lieu (ni par ses services, ni par ses machines ou son type de lieu) : la cartographie "
        "nationale le montrerait fermé au public."
        for place in published(places)
        if not is_national(place, terms)
    ]


def _csv_rows(places: Iterable[PlaceData], terms: TermIndex, facts: Facts) -> str:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    for place in places:
        if not is_national(place, terms):
            continue
        writer.writerow(place_row(place, terms, facts).values())
    return buffer.getvalue()


def _header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(COLUMNS)
    return buffer.getvalue()


def write_mednum_csv(places: Sequence[PlaceData]) -> bytes:
    terms = TermIndex.from_database()
    chosen = [place for place in published(places) if is_national(place, terms)]
    return (_header() + _csv_rows(chosen, terms, Facts.load(chosen))).encode("utf-8")


def write_mednum_json(places: Sequence[PlaceData]) -> bytes:
    terms = TermIndex.from_database()
    chosen = [place for place in published(places) if is_national(place, terms)]
    facts = Facts.load(chosen)
    document = {
        "schema": SCHEMA,
        **licences_and_credits(chosen),
        "lieux": [place_row(place, terms, facts) for place in chosen],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def iter_mednum_csv(queryset: QuerySet[Place], *, keep_order: bool = False) -> Iterator[bytes]:
    """The national CSV of the places of queryset, a batch of rows at a time: for a StreamingHttpResponse.

    Gives the same bytes as the `mednum-csv` export of the same places; with keep_order, rows follow
    the queryset's order (search results) instead of the identifiers'.
    """
    terms = TermIndex.from_database()
    yield _header().encode("utf-8")
    for places, facts in published_batches(queryset, keep_order=keep_order):
        yield _csv_rows(places, terms, facts).encode("utf-8")
