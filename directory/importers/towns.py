"""Match a messy town name to its commune, against an index given by the caller.

Real files spell towns every way: "CHATEAU CHINON", "ChÂTEAU-CHINON",
"SAINT BENIN D AZY", an old name ("COSNE-SUR-LOIRE" for Cosne-Cours-sur-Loire),
a CEDEX postcode that no commune has. The département and the postcode narrow
the candidates; the words of the name choose among them.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from aiguillage.lib.geo import haversine_km
from aiguillage.lib.text import normalize_name, stem

# Words that say nothing about which commune is meant.
_WEAK_WORDS = frozenset("a au aux d de des du en et l la le les lez sous sur s".split())
# How near a row's point must be to a commune's to stand for a name we cannot read.
NEAR_KM = 5.0
_CEDEX = re.compile(r"\bcedex\b.*$")


@dataclass(frozen=True)
class CommuneRef:
    code: str
    name: str
    search_name: str
    departement: str
    postcodes: tuple[str, ...]
    latitude: float
    longitude: float
    population: int = 0


@dataclass(frozen=True)
class TownMatch:
    commune: CommuneRef | None
    # How it was found, in French, for the report: "nom exact", "nom et code postal"…
    how: str = ""
    # Other communes that fitted as well, when the choice was a guess.
    alternatives: tuple[CommuneRef, ...] = ()


class CommuneIndex:
    """Communes of some départements, looked up by name and by postcode."""

    def __init__(self, communes: Iterable[CommuneRef]) -> None:
        self.by_code: dict[str, CommuneRef] = {}
        self.by_name: dict[str, list[CommuneRef]] = defaultdict(list)
        self.by_departement: dict[str, list[CommuneRef]] = defaultdict(list)
        self.by_postcode: dict[str, list[CommuneRef]] = defaultdict(list)
        for commune in communes:
            self.by_code[commune.code] = commune
            self.by_name[commune.search_name].append(commune)
            self.by_departement[commune.departement].append(commune)
            for postcode in commune.postcodes:
                self.by_postcode[postcode].append(commune)

    def __len__(self) -> int:
        return len(self.by_code)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code


def departement_of_postcode(postcode: str) -> str:
    """The département a French postcode most likely belongs to ("20" for Corsica, "97x" overseas)."""
    if not re.fullmatch(r"\d{5}", postcode):
        return ""
    if postcode.startswith("97"):
        return postcode[:3]
    return postcode[:2]


def _significant(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stem(word) for word in words if word not in _WEAK_WORDS)


def clean_town_name(name: str) -> str:
    """The folded name without its CEDEX mention."""
    return _CEDEX.sub("", normalize_name(name)).strip()


def match_town(
    name: str,
    postcode: str,
    departement: str,
    index: CommuneIndex,
    *,
    point: tuple[float, float] | None = None,
    near_km: float = NEAR_KM,
) -> TownMatch:
    """The commune a row means by its town name, postcode and département.

    departement may be empty; then the postcode's is used. A CEDEX postcode
    that no commune has still tells the département. When no name fits (a
    commune merged into a new one: "MOREZ" is now Hauts de Bienne), the
    commune of the postcode whose point is nearest to the row's point is
    taken, if it is within near_km.
    """
    folded = clean_town_name(name)
    departement = departement.strip().upper() or departement_of_postcode(postcode)
    in_departement = _in_departement(index.by_departement, departement)
    with_postcode = [c for c in index.by_postcode.get(postcode, []) if _same_departement(c, departement)]

    if folded:
        exact = [c for c in index.by_name.get(folded, []) if _same_departement(c, departement)]
        if len(exact) == 1:
            return TownMatch(exact[0], "nom exact")
        if exact:
            narrowed = [c for c in exact if postcode in c.postcodes] or exact
            return _best(narrowed, "nom exact et code postal")

        words = _significant(folded.split())
        if words:
            for pool, how in ((with_postcode, "nom approché et code postal"), (in_departement, "nom approché")):
                found = _by_words(words, pool)
                if found:
                    return _best(found, how)

        # A misspelling ("BLETTRANS"): the closest name among the communes of the postcode.
        close = _closest(folded, with_postcode)
        if close is not None:
            return TownMatch(close, "nom proche et code postal")

    if len(with_postcode) == 1:
        return TownMatch(with_postcode[0], "code postal seul")
    if point is not None and with_postcode:
        distance, nearest = min((haversine_km(point[0], point[1], c.latitude, c.longitude), c) for c in with_postcode)
        if distance <= near_km:
            return TownMatch(nearest, "point et code postal")
    return TownMatch(None, "", tuple(with_postcode))


def _in_departement(by_departement: dict[str, list[CommuneRef]], departement: str) -> list[CommuneRef]:
    if departement == "20":
        return by_departement.get("2A", []) + by_departement.get("2B", [])
    if departement:
        return by_departement.get(departement, [])
    return [commune for communes in by_departement.values() for commune in communes]


def _same_departement(commune: CommuneRef, departement: str) -> bool:
    if not departement:
        return True
    if departement == "20":
        return commune.departement in ("2A", "2B")
    return commune.departement == departement


def _by_words(words: frozenset[str], pool: list[CommuneRef]) -> list[CommuneRef]:
    """Communes whose significant words all appear in the name, or that hold all of the name's words.

    "cosne sur loire" is held by "cosne cours sur loire"; "chateau chinon" is
    held by both Château-Chinon (Ville) and (Campagne), and population decides.
    The candidates sharing the most words win.
    """
    scored: list[tuple[int, CommuneRef]] = []
    for commune in pool:
        commune_words = _significant(commune.search_name.split())
        if not commune_words:
            continue
        if words <= commune_words or commune_words <= words:
            scored.append((len(words & commune_words), commune))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [commune for score, commune in scored if score == best]


def _closest(folded: str, pool: list[CommuneRef], cutoff: float = 0.85) -> CommuneRef | None:
    scored = sorted(
        ((SequenceMatcher(None, folded, c.search_name).ratio(), c) for c in pool), key=lambda item: -item[0]
    )
    if not scored or scored[0][0] < cutoff:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0]:
        return None
    return scored[0][1]


def _best(candidates: list[CommuneRef], how: str) -> TownMatch:
    ranked = sorted(candidates, key=lambda c: (-c.population, c.code))
    return TownMatch(ranked[0], how, tuple(ranked[1:]))
