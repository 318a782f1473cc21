"""What the national export says beyond a copy of our vocabularies, read from directory/data/national-export.json.

The national map ingests the standard through ANCT's library
(@gouvfr-anct/lieux-de-mediation-numerique), which is stricter than the
schema file: it reads a place without a national service as closed to the
public, refuses some commune names and street characters that the schema
allows, and spells one label otherwise. This module holds the rules that make
every place we publish read there as we mean it:

- national services that our innovation services and equipment stand for
  (the crosswalk, data in the JSON file);
- national values written in another column or not at all (the same file);
- commune names and streets in the characters the library accepts.

Documented in French in docs/formats-nationaux.md.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from directory.importers.records import PlaceData

NATIONAL_EXPORT_FILE = Path(__file__).resolve().parent.parent / "data" / "national-export.json"

# Characters of the library's commune pattern (models/adresse): letters, digits, accented letters, - ' ’ and spaces.
_NOT_COMMUNE = re.compile(r"[^A-Za-z0-9À-ÖØ-öø-ÿœ-ŸŒ\-'’\s]+")
# Characters of the library's street pattern.
_NOT_STREET = re.compile(r"[^0-9A-Za-zÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]+")
_SPACES = re.compile(r"\s+")
# Dashes and quotes the library refuses but has a close neighbour for.
_STREET_NEIGHBOURS = str.maketrans({"—": "–", "‑": "-", "‐": "-", "‘": "’", "`": "'"})


def commune_label(name: str) -> str:
    """A commune name the library accepts: its other characters become spaces.

    "Château-Chinon (Ville)" -> "Château-Chinon Ville". The INSEE code, written beside it, stays exact.
    """
    return _SPACES.sub(" ", _NOT_COMMUNE.sub(" ", name)).strip()


def street_label(street: str) -> str:
    """A street the library accepts: close dashes and quotes replaced, other characters become spaces."""
    return _SPACES.sub(" ", _NOT_STREET.sub(" ", street.translate(_STREET_NEIGHBOURS))).strip()


@dataclass(frozen=True)
class ServiceRule:
    if_services: frozenset[str]
    if_equipment: frozenset[str]
    if_typologies: frozenset[str]
    give: tuple[str, ...]

    def applies(self, place: PlaceData) -> bool:
        return all(
            not wanted or bool(wanted & set(codes))
            for wanted, codes in (
                (self.if_services, place.services),
                (self.if_equipment, [item.kind for item in place.equipment]),
                (self.if_typologies, place.typologies),
            )
        )


@dataclass(frozen=True)
class NationalExport:
    rules: tuple[ServiceRule, ...]
    # (column, value of the standard) -> None (not written) or (column, value) to write instead.
    values: dict[tuple[str, str], tuple[str, str] | None]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> "NationalExport":
        rules = tuple(
            ServiceRule(
                if_services=frozenset(rule.get("if_services", ())),
                if_equipment=frozenset(rule.get("if_equipment", ())),
                if_typologies=frozenset(rule.get("if_typologies", ())),
                give=tuple(rule["give"]),
            )
            for rule in document["services"]["rules"]
        )
        values: dict[tuple[str, str], tuple[str, str] | None] = {}
        for column, table in document["values"].items():
            if column.startswith("_"):
                continue
            for value, target in table.items():
                values[(column, value)] = None if target is None else (target[0], target[1])
        return cls(rules=rules, values=values)

    def derived_services(self, place: PlaceData) -> list[str]:
        """Codes of the national services that the place's innovation services, equipment, typologies stand for."""
        found: dict[str, None] = {}
        for rule in self.rules:
            if rule.applies(place):
                found.update(dict.fromkeys(rule.give))
        return list(found)

    def written_as(self, column: str, value: str) -> tuple[str, str] | None:
        """Where and how a national value is written: (column, value), or None when it is not."""
        return self.values.get((column, value), (column, value))

    def with_service(self, queryset: QuerySet[Any], national_service_codes: Iterable[str]) -> QuerySet[Any]:
        """The places of queryset that the national export writes: with a national service, their own or derived."""
        from directory.models import Equipment, Place

        services, typologies = Place.services.through.objects, Place.typologies.through.objects

        def having(manager: Any, field: str, codes: Iterable[str]) -> Q:
            return Q(Exists(manager.filter(place_id=OuterRef("pk"), **{f"{field}__code__in": sorted(codes)})))

        condition = having(services, "term", national_service_codes)
        for rule in self.rules:
            clause = Q()
            for manager, field, codes in (
                (services, "term", rule.if_services),
                (Equipment.objects, "kind", rule.if_equipment),
                (typologies, "term", rule.if_typologies),
            ):
                if codes:
                    clause &= having(manager, field, codes)
            condition |= clause
        return queryset.filter(condition)


@cache
def national_export(path: Path = NATIONAL_EXPORT_FILE) -> NationalExport:
    return NationalExport.from_document(json.loads(path.read_text(encoding="utf-8")))
