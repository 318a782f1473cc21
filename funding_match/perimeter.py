"""Where a scheme applies and where a project is, always by INSEE codes (SIREN for an EPCI).

A scheme's perimeter is a set of areas: the European Union, France, regions, départements, EPCI or communes. A place
lies in one area of each level, from its commune up to Europe; a scheme "contains" it when one of its areas is one
of those. An EPCI, as a place to search from, lies in the areas of all its communes: a scheme covering any of them
is offered (for part of the EPCI, the scheme's perimeter says which part).
"""

from collections.abc import Iterable
from dataclasses import dataclass

COMMUNE = "commune"
EPCI = "epci"
DEPARTEMENT = "departement"
REGION = "region"
FRANCE = "france"
EU = "eu"
# Narrowest first: the order of the search's default sort.
AREA_KINDS = (COMMUNE, EPCI, DEPARTEMENT, REGION, FRANCE, EU)
RANK = {kind: position for position, kind in enumerate(AREA_KINDS)}
# A scheme whose perimeter is not stated sorts after every stated one.
UNSTATED_RANK = len(AREA_KINDS)
WHOLE = (FRANCE, EU)


class PerimeterError(ValueError):
    """An area that cannot be: the message is in French."""


@dataclass(frozen=True, order=True)
class Area:
    kind: str
    code: str = ""

    def __post_init__(self) -> None:
        if self.kind not in RANK:
            raise PerimeterError(f"Type de périmètre inconnu : {self.kind}.")
        if self.kind in WHOLE and self.code:
            raise PerimeterError(f"Le périmètre « {self.kind} » ne prend pas de code.")
        if self.kind not in WHOLE and not self.code:
            raise PerimeterError(f"Le périmètre « {self.kind} » a besoin d'un code.")

    @property
    def rank(self) -> int:
        return RANK[self.kind]


EUROPE = Area(EU)
NATION = Area(FRANCE)


@dataclass(frozen=True)
class Location:
    """Where a project is: every area it lies in, and how to name it."""

    areas: frozenset[Area]
    label: str = ""

    @classmethod
    def of_commune(
        cls, *, commune: str, departement: str, region: str = "", epci: str = "", label: str = ""
    ) -> "Location":
        areas = {EUROPE, NATION, Area(COMMUNE, commune), Area(DEPARTEMENT, departement)}
        if region:
            areas.add(Area(REGION, region))
        if epci:
            areas.add(Area(EPCI, epci))
        return cls(frozenset(areas), label)

    @classmethod
    def of_epci(
        cls, *, epci: str, communes: Iterable[str], departements: Iterable[str], regions: Iterable[str], label: str = ""
    ) -> "Location":
        areas = {EUROPE, NATION, Area(EPCI, epci)}
        areas |= {Area(COMMUNE, code) for code in communes}
        areas |= {Area(DEPARTEMENT, code) for code in departements}
        areas |= {Area(REGION, code) for code in regions if code}
        return cls(frozenset(areas), label)


def scope_rank(areas: Iterable[Area]) -> int:
    """How wide a perimeter is: the rank of its broadest area."""
    return max((area.rank for area in areas), default=UNSTATED_RANK)


def covering(areas: frozenset[Area], location: Location) -> Area | None:
    """The narrowest of the scheme's areas that holds the location, or None when the scheme does not apply there."""
    shared = areas & location.areas
    return min(shared, key=lambda area: (area.rank, area.code)) if shared else None


def contains(areas: frozenset[Area], location: Location) -> bool:
    return not areas.isdisjoint(location.areas)
