"""Which commune a person meant, asked back when it is not clear, and whether the territory serves it.

A request filed under the wrong commune goes to the wrong places: "x" must not silently become Xertigny (88),
and a Paris code must not land in a Nièvre queue. Ambiguous or unknown names are asked back ("Voulez-vous
dire… ?"); a commune outside the served départements gets a French message and the national map, unless
REQUESTS_OUTSIDE_TERRITORY allows it.
"""

from dataclasses import dataclass, field

from django.conf import settings

from aiguillage import memo
from aiguillage.lib.text import normalize_name
from territory.lookup import CHOICES_KEY, INSEE_CODE, LOOKUPS_KEPT, LOOKUPS_SECONDS, POSTCODE, find_communes
from territory.models import Commune

MAX_CHOICES = 6


@dataclass
class CommuneChoice:
    commune: Commune | None
    # When the query could mean several communes: the ones to offer.
    candidates: list[Commune] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.commune is None and bool(self.candidates)


def is_served(commune: Commune) -> bool:
    return commune.departement_code in settings.TERRITORY_DEPARTEMENTS


def choose_commune(query: str) -> CommuneChoice:
    """The one commune the query names, or the candidates to ask about (none: unknown).

    Answers are kept in this process's memory, as territory.lookup.resolve_commune's are (a postcode was a scan
    of every commune's postcodes on each submission); the instances are read-only to every caller.
    """
    kept: dict[str, CommuneChoice] = memo.get_or_set(CHOICES_KEY, dict, timeout=LOOKUPS_SECONDS)
    key = " ".join((query or "").split()).casefold()
    answer = kept.get(key)
    if answer is None:
        answer = _choose_commune(query)
        if len(kept) >= LOOKUPS_KEPT:
            kept.pop(next(iter(kept)), None)
        kept[key] = answer
    return CommuneChoice(answer.commune, list(answer.candidates))


def _choose_commune(query: str) -> CommuneChoice:
    query = " ".join((query or "").split())
    found = find_communes(query, limit=50)
    if not found:
        return CommuneChoice(None)
    if POSTCODE.match(query):
        # Five digits are a postcode first (several communes may share it), else an INSEE code.
        with_postcode = [commune for commune in found if query in commune.postcode_list]
        if len(with_postcode) == 1:
            return CommuneChoice(with_postcode[0])
        if with_postcode:
            return CommuneChoice(None, with_postcode[:MAX_CHOICES])
        return CommuneChoice(found[0])
    if INSEE_CODE.match(query):
        return CommuneChoice(found[0])
    name = normalize_name(query)
    exact = [commune for commune in found if commune.search_name == name]
    if len(exact) == 1:
        return CommuneChoice(exact[0])
    if len(exact) > 1:
        served = [commune for commune in exact if is_served(commune)]
        if len(served) == 1:
            return CommuneChoice(served[0])
        return CommuneChoice(None, exact[:MAX_CHOICES])
    if len(found) == 1:
        return CommuneChoice(found[0])
    return CommuneChoice(None, found[:MAX_CHOICES])


def outside_message(commune: Commune) -> str | None:
    """A French message when requests from this commune are not taken here; None when they are."""
    if settings.REQUESTS_OUTSIDE_TERRITORY or is_served(commune):
        return None
    return (
        f"{commune.name} ({commune.departement_code}) n'est pas dans le territoire que ce service couvre "
        f"({settings.TERRITORY_NAME}). Pour trouver un lieu près de chez vous, consultez la carte nationale des "
        f"lieux de médiation numérique : {settings.NATIONAL_MAP_URL}"
    )


def label(commune: Commune) -> str:
    postcodes = commune.postcode_list
    return f"{commune.name} ({postcodes[0] if postcodes else commune.departement_code})"
