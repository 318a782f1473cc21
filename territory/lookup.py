"""Forgiving commune look-up: accents, case, hyphens, "St"/"Ste", postcodes."""

import re

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When

from aiguillage.lib.text import normalize_name
from territory.models import Commune

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
    candidates = base.filter(Q(search_name__startswith=name) | Q(search_name__contains=" " + name))
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
    return list(ranked[:limit])


def _served_first(communes: list[Commune]) -> list[Commune]:
    served = set(settings.TERRITORY_DEPARTEMENTS)
    return sorted(communes, key=lambda commune: commune.departement.code not in served)


def resolve_commune(query: str) -> tuple[Commune | None, list[Commune]]:
    """The commune a user most likely meant, and the other candidates to offer."""
    found = find_communes(query)
    if not found:
        return None, []
    return found[0], found[1:]
