"""The public search, from the query string to a page of results with their one-line reasons."""

import math
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils.safestring import SafeString

from aiguillage.lib.text import keywords
from funding import rendering
from funding.catalogue import SchemeCard, Snapshot
from funding.forms import TERM_FILTERS, SearchForm, localize_decimal_input
from funding.places import location_of_commune, location_of_epci
from funding_match import Found, Query
from territory.lookup import resolve_commune
from territory.models import Commune, Epci

PAGE_SIZE = 20
EPCI_CHOICES_KEY = "funding:epci-choices"


def epci_choices() -> list[tuple[str, str]]:
    """The served territory's EPCI, for the search's list (kept a minute: they change once a year)."""

    def read() -> list[tuple[str, str]]:
        return list(
            Epci.objects.filter(communes__departement__code__in=settings.TERRITORY_DEPARTEMENTS)
            .distinct()
            .order_by("name")
            .values_list("siren", "name")
        )

    return cache.get_or_set(EPCI_CHOICES_KEY, read, timeout=60)


@dataclass
class Outcome:
    query: Query
    total: int
    page: int
    page_count: int
    results: list[tuple[Found, SchemeCard]]
    all_found: list[int] = field(default_factory=list)
    commune: Commune | None = None
    epci: Epci | None = None
    other_communes: list[Commune] = field(default_factory=list)
    commune_unknown: bool = False

    def cards_html(self) -> SafeString:
        return rendering.cards_html(self.results)


@lru_cache(maxsize=4096)
def _commune_row(code: str) -> Commune | None:
    return Commune.objects.select_related("departement", "epci").filter(code=code).first()


def commune_by_code(code: str) -> Commune | None:
    """A commune by INSEE code, kept in the process: the links of the page carry the code, communes change yearly."""
    commune = _commune_row(code)
    if commune is None:
        # Not cached as missing: the territory may be loaded later.
        _commune_row.cache_clear()
    return commune


def forget_communes() -> None:
    _commune_row.cache_clear()


def _place(form: SearchForm) -> tuple[Commune | None, Epci | None, list[Commune], bool]:
    data = form.cleaned_data
    if data["commune"]:
        commune = commune_by_code(data["commune"].upper())
        return commune, None, [], commune is None
    if data["ou"]:
        commune, others = resolve_commune(data["ou"])
        return commune, None, others, commune is None
    if data["epci"]:
        epci = Epci.objects.filter(siren=data["epci"]).first()
        return None, epci, [], epci is None
    return None, None, [], False


def query_of(form: SearchForm, commune: Commune | None, epci: Epci | None) -> Query:
    data = form.cleaned_data
    location = None
    if commune is not None:
        location = location_of_commune(commune)
    elif epci is not None:
        location = location_of_epci(epci)
    codes = {name: frozenset(data.get(name) or ()) for name in TERM_FILTERS}
    return Query(
        location=location,
        beneficiaries=codes["beneficiaire"],
        themes=codes["theme"],
        expenses=codes["depense"],
        kinds=codes["nature"],
        programmes=codes["programme"],
        amount=data.get("montant"),
        words=tuple(keywords(data.get("q") or "")),
        open_now=bool(data.get("ouvert")),
        closing_within_days=data.get("cloture"),
        include_past=bool(data.get("clos")),
    )


def bound_form(params: QueryDict, snapshot: Snapshot) -> SearchForm:
    return SearchForm(localize_decimal_input(params), terms=snapshot.terms, epcis=epci_choices())


def run(form: SearchForm, snapshot: Snapshot, *, page_size: int = PAGE_SIZE, everything: bool = False) -> Outcome:
    """The search the valid form asks for; ``everything`` returns all results on one page (exports)."""
    commune, epci, others, unknown = _place(form)
    query = query_of(form, commune, epci)
    found = snapshot.catalogue.find(query)
    total = len(found)
    if everything:
        page, page_count, shown = 1, 1, found
    else:
        page_count = max(1, math.ceil(total / page_size))
        page = min(form.cleaned_data.get("page") or 1, page_count)
        shown = found[(page - 1) * page_size : page * page_size]
    explained = snapshot.catalogue.explain(shown, query)
    return Outcome(
        query=query,
        total=total,
        page=page,
        page_count=page_count,
        results=[(item, snapshot.cards[item.scheme.id]) for item in explained],
        commune=commune,
        epci=epci,
        other_communes=others,
        commune_unknown=unknown,
    )
