"""Licences and credits that travel with exported data.

A file that holds data of a source must say the source's licence and credit:
MedNum BFC's data is ODbL 1.0 and must cite "MedNum BFC".
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    code: str
    name: str
    url: str
    share_alike: bool = False


@dataclass(frozen=True)
class Credit:
    source: str
    credit: str
    description: str


LICENCES: dict[str, Licence] = {
    licence.code: licence
    for licence in (
        Licence(
            "etalab-2.0",
            "Licence Ouverte / Open Licence 2.0",
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        ),
        Licence("odbl-1.0", "Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/", True),
    )
}

CREDITS: dict[str, Credit] = {
    credit.source: credit
    for credit in (
        Credit(
            "mednum-bfc",
            "MedNum BFC",
            "cartographie des lieux de médiation numérique en Bourgogne-Franche-Comté, GIP Territoires Numériques BFC, "
            "mise à jour en 2020 et 2021",
        ),
    )
}


def licence_entries(licences_by_source: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
    """One entry per licence used, with the sources under it, sorted by code."""
    sources: dict[str, set[str]] = {}
    for source, licence in licences_by_source:
        sources.setdefault(licence, set()).add(source)
    entries: list[dict[str, object]] = []
    for code in sorted(sources):
        known = LICENCES.get(code)
        entries.append(
            {
                "code": code,
                "name": known.name if known else code,
                "url": known.url if known else "",
                "sources": sorted(sources[code]),
            }
        )
    return entries


def credit_entries(licences_by_source: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The credits owed for the sources present, with the French notice a share-alike licence asks for."""
    entries: list[dict[str, str]] = []
    for source, licence_code in sorted(set(licences_by_source)):
        credit = CREDITS.get(source)
        if credit is None:
            continue
        licence = LICENCES.get(licence_code)
        notice = f"Contient des données de {credit.credit} ({credit.description})"
        if licence is not None:
            notice += f", sous {licence.name}"
            if licence.share_alike:
                notice += f" : toute base qui en dérive reste sous cette licence et cite « {credit.credit} »"
        entries.append({"source": source, "credit": credit.credit, "licence": licence_code, "notice": notice + "."})
    return entries
