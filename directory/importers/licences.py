"""Licences and credits that travel with the data, read from directory/data/sources.json.

Each record carries its own licence (Place.licence). A source listed in the
file gives the credit its licence asks for (MedNum BFC's data is ODbL 1.0 and
must cite "MedNum BFC"), and the licence of its records when an imported file
says none. A second source (another département's file under Licence
Ouverte, a partner's under CC BY) is an entry in that file, with no code.
Records of a source not listed are the territory's own contributions.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SOURCES_FILE = Path(__file__).resolve().parent.parent / "data" / "sources.json"


@dataclass(frozen=True)
class Licence:
    code: str
    name: str
    url: str
    share_alike: bool = False
    short: str = ""


@dataclass(frozen=True)
class Credit:
    source: str
    credit: str
    description: str
    licence: str = ""


class Registry:
    """The licences and the credited sources, by code (mutable only through load, for tests and deployments)."""

    def __init__(self) -> None:
        self.licences: dict[str, Licence] = {}
        self.credits: dict[str, Credit] = {}
        self.default_licence = "etalab-2.0"

    def load(self, path: Path = SOURCES_FILE) -> None:
        document = json.loads(path.read_text(encoding="utf-8"))
        self.default_licence = document["default_licence"]
        self.licences.clear()
        self.licences.update(
            (entry["code"], Licence(entry["code"], entry["name"], entry["url"], entry["share_alike"], entry["short"]))
            for entry in document["licences"]
        )
        self.credits.clear()
        self.credits.update(
            (entry["code"], Credit(entry["code"], entry["credit"], entry["description"], entry.get("licence", "")))
            for entry in document["sources"]
        )


REGISTRY = Registry()
REGISTRY.load()
# The same dictionaries, under the names the writers use.
LICENCES = REGISTRY.licences
CREDITS = REGISTRY.credits


def source_licence(source: str) -> str:
    """The licence a record of this source gets when its file says none."""
    credit = CREDITS.get(source)
    return credit.licence if credit and credit.licence else REGISTRY.default_licence


def licence_short(code: str) -> str:
    known = LICENCES.get(code)
    return (known.short or known.name) if known else code


def licence_url(code: str) -> str:
    known = LICENCES.get(code)
    return known.url if known else ""


def credit_of(source: str) -> str:
    """Who the data of a source is credited to: its credit, or the site for the territory's own contributions."""
    credit = CREDITS.get(source)
    return credit.credit if credit else f"contributeurs de {settings.SITE_NAME}"


def attribution(source: str, licence: str) -> str:
    """The line shown beside a record: "MedNum BFC (ODbL 1.0)"."""
    return f"{credit_of(source)} ({licence_short(licence)})"


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


def footer_credits() -> str:
    """The credits of every listed source, then the territory's contributions: for the foot of each page."""
    parts = [f"{credit.credit} ({licence_short(credit.licence)})" for credit in CREDITS.values()]
    parts.append(f"contributeurs du territoire ({licence_short(REGISTRY.default_licence)})")
    return ", ".join(parts)
