"""Forgiving commune look-up: accents, case, hyphens, "St"/"Ste", postcodes, a typo or two."""

import math
import re

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, Value, When

from aiguillage import memo
from aiguillage.lib.fuzzy import near_matches, typo_allowance
from aiguillage.lib.geo import haversine_km
from aiguillage.lib.text import normalize_name
from territory.models import Commune, CommuneWord

POSTCODE = re.compile(r"^\d{5}$")
INSEE_CODE = re.compile(r"^(\d{2}|2[ab])\d{3}$", re.IGNORECASE)
# A trailing département in parentheses or after a space, as in "Clamecy (58)".
TRAILING_DEPARTEMENT = re.compile(r"^(?P<name>.*?)[\s(]+(?P<dep>\d{2,3}|2[ab])\)?$", re.IGNORECASE)


def find_communes(query: str, limit: int = 10) -> list[Commune]:
    """Communes matching query, best first.

    Exact names come before prefixes, then communes of the served territory,
    then the most populated.
    """
    query = (query or "").strip()
    if not query:
        return []
    base = Commune.objects.select_related("departement", "epci")
    if POSTCODE.match(query):
        # A postcode first; the same digits as an INSEE code come after.
        found = list(base.filter(postcodes__contains=query).order_by("-population"))
        found += [c for c in base.filter(code=query) if c not in found]
        return _served_first(found)[:limit]
    if INSEE_CODE.match(query):
        return list(base.filter(code=query.upper()))

    departement = None
    match = TRAILING_DEPARTEMENT.match(query)
    if match and match.group("name").strip():
        query, departement = match.group("name"), match.group("dep").upper()
    name = normalize_name(query)
    if not name:
        return []
    candidates = base.filter(pk__in=_word_starts(name))
    if departement:
        candidates = candidates.filter(departement__code=departement)
    ranked = candidates.annotate(
        exactness=Case(
            When(search_name=name, then=Value(0)),
            When(search_name__startswith=name + " ", then=Value(1)),
            When(search_name__startswith=name, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        served=Case(
            When(departement__code__in=settings.TERRITORY_DEPARTEMENTS, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("exactness", "served", "-population", "code")
    found = list(ranked[:limit])
    return found or _with_typos(name, departement, limit)


def _with_typos(name: str, departement: str | None, limit: int) -> list[Commune]:
    """Communes a typo or two away from ``name`` ("lusy" is Luzy), served territory first, then the most populated.

    Read among the communes whose name starts with the same letter and is about as long (a typo on the first
    letter is rare): a few hundred names, not the whole country.
    """
    allowance = typo_allowance(len(name))
    if not allowance:
        return []
    rows = Commune.objects.filter(search_name__startswith=name[0])
    if departement:
        rows = rows.filter(departement__code=departement)
    served = set(settings.TERRITORY_DEPARTEMENTS)
    candidates = sorted(
        (
            (departement_code not in served, -population, code, pk, search_name)
            for pk, code, search_name, departement_code, population in rows.values_list(
                "pk", "code", "search_name", "departement__code", "population"
            )
            if abs(len(search_name) - len(name)) <= allowance
        )
    )
    matches = near_matches(name, [candidate[4] for candidate in candidates], limit=limit)
    ids = [candidates[index][3] for index, _ in matches]
    by_id = Commune.objects.select_related("departement", "epci").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _word_starts(name: str) -> QuerySet:
    """Communes whose normalised name has a word starting with name ("loire", "charite sur"): one index range on
    CommuneWord, where ``LIKE '%…'`` read the 35,000 names of France on every typed search."""
    words = CommuneWord.objects.all()
    if connection.vendor == "postgresql":
        # Served by the varchar_pattern_ops index, whatever the database's collation.
        words = words.filter(text__startswith=name)
    else:
        # SQLite compares text byte by byte, and serves a range from the index (not a LIKE with ESCAPE).
        words = words.filter(text__gte=name, text__lt=name + "\U0010ffff")
    return words.values("commune_id")


def _served_first(communes: list[Commune]) -> list[Commune]:
    served = set(settings.TERRITORY_DEPARTEMENTS)
    return sorted(communes, key=lambda commune: commune.departement.code not in served)


# What a typed commune resolved to, kept in each process: a name typed once ("Nevers") is typed again and again.
LOOKUPS_KEY = "territory:commune-lookups"
# The same for the commune of a request (territory.served.choose_commune): typed again and again too.
CHOICES_KEY = "territory:commune-choices"
# Communes by INSEE code, as the API names them.
CODES_KEY = "territory:communes-by-code"
LOOKUPS_KEPT = 2000
LOOKUPS_SECONDS = 3600


def forget_lookups() -> None:
    """After the communes change (load_territory), every process looks typed names up again."""
    memo.forget(LOOKUPS_KEY, CHOICES_KEY, CODES_KEY)


def commune_by_code(code: str) -> Commune | None:
    """The commune of this INSEE code (None: unknown), kept in this process's memory as the look-ups above are;
    the instance is read-only to every caller."""
    kept: dict[str, Commune | None] = memo.get_or_set(CODES_KEY, dict, timeout=LOOKUPS_SECONDS)
    if code not in kept:
        if len(kept) >= LOOKUPS_KEPT:
            kept.pop(next(iter(kept)), None)
        kept[code] = Commune.objects.select_related("departement").filter(code=code).first()
    return kept[code]


def resolve_commune(query: str) -> tuple[Commune | None, list[Commune]]:
    """The commune a user most likely meant, and the others worth offering ("Vous pensiez à …").

    Answers are kept in this process's memory (at most LOOKUPS_KEPT, the oldest dropped first), under the
    shared token that load_territory renews: the instances are read-only to every caller.
    """
    kept: dict[str, tuple[Commune | None, list[Commune]]] = memo.get_or_set(LOOKUPS_KEY, dict, timeout=LOOKUPS_SECONDS)
    key = " ".join(query.split()).casefold()
    answer = kept.get(key)
    if answer is None:
        answer = _resolve_commune(query)
        if len(kept) >= LOOKUPS_KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = answer
    best, others = answer
    return best, list(others)


def _resolve_commune(query: str) -> tuple[Commune | None, list[Commune]]:
    """The look-up itself.

    Worth offering: another commune of the same name anywhere, or a candidate in the served territory or in
    the chosen commune's département; not every commune of France whose name starts the same way.
    """
    found = find_communes(query)
    if not found:
        return None, []
    best, served = found[0], set(settings.TERRITORY_DEPARTEMENTS)
    others = [
        commune
        for commune in found[1:]
        if commune.search_name == best.search_name
        or commune.departement.code in served
        or commune.departement_id == best.departement_id
    ]
    return best, sorted(others, key=lambda commune: commune.departement.code not in served)


def nearest_commune(latitude: float, longitude: float) -> Commune | None:
    """The commune whose centre is nearest to a point (where "autour de moi" puts a person), within 50 km."""
    for degrees in (0.1, 0.25, 0.5):
        spread = degrees / max(math.cos(math.radians(latitude)), 0.1)
        rows = list(
            Commune.objects.filter(
                latitude__range=(latitude - degrees, latitude + degrees),
                longitude__range=(longitude - spread, longitude + spread),
            ).values_list("pk", "latitude", "longitude")
        )
        if rows:
            pk = min(rows, key=lambda row: (haversine_km(latitude, longitude, row[1], row[2]), row[0]))[0]
            return Commune.objects.select_related("departement").get(pk=pk)
    return None
