"""The public search of the catalogue, over schemes held in memory: filters, free words, and the default order.

The catalogue is small (a département's schemes, a few thousand at most) and read far more often than written: the
app builds a ``Catalogue`` once per change of the data and of the day, and every search is then set intersections
and a sort. Default order: the narrowest perimeter holding the place first (without a place, the narrowest
perimeter), then the nearest deadline (none last), then the title.

Filters within one list (several audiences, several themes) are alternatives: any of them fits. Lists of different
kinds all apply. A scheme that states no audience is kept by an audience filter (unknown is not no); themes,
expenses, kinds and programmes are only matched when stated.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from funding_match.calendar import OPEN, PAST, closes_within, next_deadline, state
from funding_match.engine import PUBLISHED, MatchSettings, Project, SchemeFacts, applicant_codes, assess
from funding_match.perimeter import Location

CLOSED = "closed"
# How far "closing within N days" may look ahead.
MAX_WITHIN_DAYS = 366


@dataclass(frozen=True)
class Query:
    location: Location | None = None
    beneficiaries: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    expenses: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()
    funder_levels: frozenset[str] = frozenset()
    amount: Decimal | None = None
    # Stemmed, folded keywords (aiguillage.lib.text.keywords): every one must start a word of the scheme.
    words: tuple[str, ...] = ()
    open_now: bool = False
    closing_within_days: int | None = None
    include_past: bool = False
    published_since: dt.date | None = None

    def project(self, applicant_label: str = "") -> Project:
        return Project(
            location=self.location,
            beneficiaries=self.beneficiaries,
            applicant_label=applicant_label,
            themes=self.themes,
            expenses=self.expenses,
            amount=self.amount,
        )


@dataclass(frozen=True)
class Found:
    scheme: SchemeFacts
    state: str
    deadline: dt.date | None
    # Why the scheme answers the query, in one line (empty when nothing was asked but the text).
    reason: str


def _deadline_key(deadline: dt.date | None) -> int:
    return deadline.toordinal() if deadline else dt.date.max.toordinal()


class Catalogue:
    """Published and closed schemes indexed by code, for one day."""

    def __init__(self, schemes: Iterable[SchemeFacts], today: dt.date, settings: MatchSettings | None = None) -> None:
        self.today = today
        self.settings = settings or MatchSettings()
        self.schemes: dict[int, SchemeFacts] = {}
        self.by_area: dict[object, set[int]] = defaultdict(set)
        self.by_term: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.unstated_beneficiaries: set[int] = set()
        self.states: dict[int, str] = {}
        self.deadlines: dict[int, dt.date | None] = {}
        self.live: set[int] = set()
        for scheme in schemes:
            if scheme.status not in (PUBLISHED, CLOSED):
                continue
            self.schemes[scheme.id] = scheme
            for area in scheme.areas:
                self.by_area[area].add(scheme.id)
            for vocabulary, codes in (
                ("beneficiary", scheme.beneficiaries),
                ("theme", scheme.themes),
                ("expense", scheme.expenses),
                ("kind", scheme.kinds),
                ("programme", scheme.programmes),
                ("funder_level", scheme.funder_levels),
            ):
                for code in codes:
                    self.by_term[(vocabulary, code)].add(scheme.id)
            if not scheme.beneficiaries:
                self.unstated_beneficiaries.add(scheme.id)
            current = state(scheme.schedule, today) if scheme.status == PUBLISHED else PAST
            self.states[scheme.id] = current
            self.deadlines[scheme.id] = next_deadline(scheme.schedule, today) if current != PAST else None
            if current != PAST:
                self.live.add(scheme.id)
        self._all = set(self.schemes)
        self.scopes = {scheme.id: scheme.scope_rank for scheme in self.schemes.values()}
        # The rest of the default order, after the perimeter: nearest deadline, title, id.
        self.order = {
            scheme.id: (_deadline_key(self.deadlines[scheme.id]), scheme.title.casefold(), scheme.id)
            for scheme in self.schemes.values()
        }

    def __len__(self) -> int:
        return len(self.schemes)

    def _any_of(self, vocabulary: str, codes: frozenset[str]) -> set[int]:
        found: set[int] = set()
        for code in codes:
            found |= self.by_term.get((vocabulary, code), set())
        return found

    def _candidates(self, query: Query) -> set[int]:
        ids = set(self._all) if query.include_past else set(self.live)
        if query.location is not None:
            near: set[int] = set()
            for area in query.location.areas:
                near |= self.by_area.get(area, set())
            ids &= near
        if query.beneficiaries:
            ids &= self._any_of("beneficiary", applicant_codes(query.beneficiaries)) | self.unstated_beneficiaries
        for vocabulary, codes in (
            ("theme", query.themes),
            ("expense", query.expenses),
            ("kind", query.kinds),
            ("programme", query.programmes),
            ("funder_level", query.funder_levels),
        ):
            if codes:
                ids &= self._any_of(vocabulary, codes)
        return ids

    def _keep(self, scheme: SchemeFacts, query: Query) -> bool:
        if query.open_now and self.states[scheme.id] != OPEN:
            return False
        if query.closing_within_days is not None and not closes_within(
            scheme.schedule, self.today, min(query.closing_within_days, MAX_WITHIN_DAYS)
        ):
            return False
        if query.amount is not None:
            if scheme.amount_ceiling is not None and query.amount > scheme.amount_ceiling:
                return False
            if scheme.amount_floor is not None and query.amount < scheme.amount_floor:
                return False
        if query.published_since is not None and (
            scheme.published_on is None or scheme.published_on < query.published_since
        ):
            return False
        if query.words:
            text = " " + scheme.words
            if not all(" " + word in text for word in query.words):
                return False
        return True

    def _ranks(self, query: Query) -> dict[int, int]:
        """Candidates' rank for the default order: the narrowest of their areas holding the place."""
        ranks: dict[int, int] = {}
        if query.location is None:
            return ranks
        # Broadest first, so that a narrower area holding the place overwrites a broader one.
        for area in sorted(query.location.areas, key=lambda area: -area.rank):
            ranks.update(dict.fromkeys(self.by_area.get(area, ()), area.rank))
        return ranks

    def find(self, query: Query) -> list[SchemeFacts]:
        """Every scheme answering the query, in the default order."""
        ids = self._candidates(query)
        filtering = (
            query.open_now
            or query.closing_within_days is not None
            or query.amount is not None
            or query.published_since is not None
            or bool(query.words)
        )
        if filtering:
            ids = {scheme_id for scheme_id in ids if self._keep(self.schemes[scheme_id], query)}
        ranks, scopes, order = self._ranks(query), self.scopes, self.order
        ordered = sorted(ids, key=lambda scheme_id: (ranks.get(scheme_id, scopes[scheme_id]), order[scheme_id]))
        return [self.schemes[scheme_id] for scheme_id in ordered]

    def explain(self, schemes: Sequence[SchemeFacts], query: Query) -> list[Found]:
        """The page's schemes with their state, next deadline and one-line reason."""
        project = query.project()
        found = []
        for scheme in schemes:
            current = self.states[scheme.id]
            reason = ""
            if current != PAST:
                assessed = assess(scheme, project, self.today, self.settings)
                reason = assessed.line if assessed is not None else ""
            found.append(Found(scheme=scheme, state=current, deadline=self.deadlines[scheme.id], reason=reason))
        return found
