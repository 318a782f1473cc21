"""Which funding schemes fit a project, in which order, and why — or what is missing — in plain French.

A project is what a request, a place or an action sheet needs funded: where it is, who would apply, its themes, the
expenses to cover and, maybe, the amount sought. Every criterion the project states is checked against the scheme:

- hard rules, never traded against a score: the scheme is published (a closed or draft scheme is never offered), its
  calendar is not over, and its perimeter holds the project's place;
- the applicant: a scheme open to "public_body" also takes a commune or an EPCI. A scheme that states no audience,
  or a project that does not say who applies, is not refused: the match says what to check (unknown is not no);
- themes and expenses: at least one in common. A project that states none is not judged on them; a scheme that
  states none is "à vérifier";
- the amount sought, between the scheme's floor and ceiling when they are stated.

A scheme that fails one of these soft criteria is still returned, with ``fits`` false and the criterion in
``missing``, so that a page can show "near misses" apart ("ouvert aux associations ; le demandeur est une
collectivité"). Ranking: fitting schemes first, then fewer failures, then score (themes, expenses, applicant,
narrow perimeter, urgency), then the narrowest perimeter, the nearest deadline, the title and the id.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from funding_match.calendar import OPEN, PAST, Schedule, days_until, french_date, next_deadline, next_opening, state
from funding_match.perimeter import UNSTATED_RANK, Area, Location, covering, scope_rank

PUBLISHED = "published"
PUBLIC_BODY = "public_body"
# An applicant of the key is also one of the values: a commune is a public body.
IMPLIED_BENEFICIARIES: Mapping[str, frozenset[str]] = {
    "commune": frozenset({PUBLIC_BODY}),
    "epci": frozenset({PUBLIC_BODY}),
}
SOON_DAYS = 30


@dataclass(frozen=True)
class SchemeFacts:
    """A scheme as the matcher sees it: codes, dates and amounts only."""

    id: int
    title: str
    status: str
    areas: frozenset[Area]
    schedule: Schedule
    perimeter_label: str = ""
    beneficiaries: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    expenses: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()
    funder_levels: frozenset[str] = frozenset()
    amount_floor: Decimal | None = None
    amount_ceiling: Decimal | None = None
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    # Folded, stemmed words of the title, summary, funders and terms, space-separated, for free-text search.
    words: str = ""
    parent_id: int | None = None
    published_on: dt.date | None = None

    @property
    def scope_rank(self) -> int:
        return scope_rank(self.areas)


@dataclass(frozen=True)
class Project:
    """What needs funding. Empty sets mean "not stated", never "none"."""

    location: Location | None = None
    beneficiaries: frozenset[str] = frozenset()
    # How the page names the applicant in a near miss: "le demandeur est un professionnel".
    applicant_label: str = ""
    themes: frozenset[str] = frozenset()
    expenses: frozenset[str] = frozenset()
    amount: Decimal | None = None


@dataclass(frozen=True)
class MatchSettings:
    # French labels by vocabulary ("beneficiary", "theme", "expense") then code: reasons are written with them.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    soon_days: int = SOON_DAYS
    weight_theme: float = 0.35
    weight_expense: float = 0.2
    weight_beneficiary: float = 0.25
    weight_narrow: float = 0.1
    weight_urgency: float = 0.1

    def label(self, vocabulary: str, code: str) -> str:
        return self.labels.get(vocabulary, {}).get(code, code)

    def labels_of(self, vocabulary: str, codes: Iterable[str]) -> str:
        names = sorted(self.label(vocabulary, code) for code in codes)
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " et " + names[-1]


DEFAULT_SETTINGS = MatchSettings()


@dataclass(frozen=True)
class Match:
    scheme: SchemeFacts
    fits: bool
    score: float
    # Why it fits, one short clause each.
    reasons: tuple[str, ...]
    # What fails (when ``fits`` is false) or must be checked, one short clause each.
    missing: tuple[str, ...]
    failures: int
    deadline: dt.date | None
    state: str
    rank: int

    @property
    def line(self) -> str:
        """The reasons in one line, as a result list shows them."""
        return " ; ".join(self.reasons)


def applicant_codes(beneficiaries: frozenset[str]) -> frozenset[str]:
    """The applicant's codes with what they imply (a commune is also a public body)."""
    implied = set(beneficiaries)
    for code in beneficiaries:
        implied |= IMPLIED_BENEFICIARIES.get(code, frozenset())
    return frozenset(implied)


def _money(amount: Decimal) -> str:
    whole = int(amount)
    text = f"{whole:,}".replace(",", "\u202f")
    if amount != whole:
        text += "," + f"{amount:.2f}".split(".")[1]
    return f"{text}\u00a0€"


def amount_label(scheme: SchemeFacts) -> str:
    """The amounts and rates in a few words, or '' when the scheme states none."""
    parts = []
    if scheme.amount_floor is not None and scheme.amount_ceiling is not None:
        parts.append(f"de {_money(scheme.amount_floor)} à {_money(scheme.amount_ceiling)}")
    elif scheme.amount_ceiling is not None:
        parts.append(f"jusqu'à {_money(scheme.amount_ceiling)}")
    elif scheme.amount_floor is not None:
        parts.append(f"à partir de {_money(scheme.amount_floor)}")
    if scheme.rate_min is not None and scheme.rate_max is not None and scheme.rate_min != scheme.rate_max:
        parts.append(f"{_percent(scheme.rate_min)} à {_percent(scheme.rate_max)} des dépenses")
    elif scheme.rate_max is not None or scheme.rate_min is not None:
        rate = scheme.rate_max if scheme.rate_max is not None else scheme.rate_min
        assert rate is not None
        parts.append(f"{'jusqu’à ' if scheme.rate_max is not None else 'au moins '}{_percent(rate)} des dépenses")
    return ", ".join(parts)


def _percent(rate: Decimal) -> str:
    normal = rate.normalize()
    text = format(normal, "f").replace(".", ",")
    return f"{text}\u00a0%"


class _Assessment:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.missing: list[str] = []
        self.failures = 0
        self.score = 0.0


def _assess_applicant(scheme: SchemeFacts, project: Project, settings: MatchSettings, found: _Assessment) -> None:
    weight = settings.weight_beneficiary
    if not scheme.beneficiaries:
        found.missing.append("public éligible non précisé : à vérifier auprès du financeur")
        found.score += weight * 0.5
        return
    if not project.beneficiaries:
        found.missing.append(
            f"ouvert aux publics suivants : {settings.labels_of('beneficiary', scheme.beneficiaries)} ; "
            "vérifiez que le demandeur en fait partie"
        )
        found.score += weight * 0.5
        return
    exact = scheme.beneficiaries & project.beneficiaries
    if exact:
        found.reasons.append(f"ouvert aux publics : {settings.labels_of('beneficiary', exact)}")
        found.score += weight
        return
    implied = scheme.beneficiaries & applicant_codes(project.beneficiaries)
    if implied:
        found.reasons.append(f"ouvert aux publics : {settings.labels_of('beneficiary', implied)}")
        found.score += weight * 0.8
        return
    found.failures += 1
    clause = f"réservé aux publics : {settings.labels_of('beneficiary', scheme.beneficiaries)}"
    found.missing.append(f"{clause} ; {project.applicant_label}" if project.applicant_label else clause)


def _assess_terms(
    vocabulary: str,
    offered: frozenset[str],
    wanted: frozenset[str],
    weight: float,
    settings: MatchSettings,
    found: _Assessment,
) -> None:
    noun = "thèmes" if vocabulary == "theme" else "dépenses financées"
    if not wanted:
        found.score += weight * 0.5
        return
    if not offered:
        found.missing.append(f"{noun} non précisés : à vérifier")
        found.score += weight * 0.5
        return
    shared = offered & wanted
    if shared:
        lead = "thème" if vocabulary == "theme" else "finance"
        found.reasons.append(f"{lead} : {settings.labels_of(vocabulary, shared)}")
        found.score += weight * len(shared) / len(wanted)
        return
    found.failures += 1
    offered_labels = settings.labels_of(vocabulary, offered)
    found.missing.append(f"{noun} : {offered_labels}, pas {settings.labels_of(vocabulary, wanted)}")


def _assess_amount(scheme: SchemeFacts, project: Project, found: _Assessment) -> None:
    described = amount_label(scheme)
    if project.amount is None:
        if described:
            found.reasons.append(described)
        return
    wanted = _money(project.amount)
    if scheme.amount_ceiling is not None and project.amount > scheme.amount_ceiling:
        found.failures += 1
        found.missing.append(f"plafond de {_money(scheme.amount_ceiling)}, moins que les {wanted} cherchés")
    elif scheme.amount_floor is not None and project.amount < scheme.amount_floor:
        found.failures += 1
        found.missing.append(f"à partir de {_money(scheme.amount_floor)}, plus que les {wanted} cherchés")
    elif scheme.amount_ceiling is None and scheme.amount_floor is None:
        found.missing.append("montant non précisé : à vérifier")
    else:
        found.reasons.append(described)


def _assess_calendar(scheme: SchemeFacts, today: dt.date, settings: MatchSettings, found: _Assessment) -> str:
    current = state(scheme.schedule, today)
    deadline = next_deadline(scheme.schedule, today)
    if current == OPEN:
        found.score += settings.weight_urgency
        if deadline is None:
            found.reasons.append("ouvert en permanence")
        else:
            remaining = days_until(deadline, today)
            when = "aujourd'hui" if remaining == 0 else f"dans {remaining} jour{'s' if remaining > 1 else ''}"
            found.reasons.append(f"clôture le {french_date(deadline)} ({when})")
    else:
        found.score += settings.weight_urgency * 0.5
        opening = next_opening(scheme.schedule, today)
        found.reasons.append(f"ouvre le {french_date(opening)}" if opening else "ouverture à venir")
    return current


def assess(
    scheme: SchemeFacts, project: Project, today: dt.date, settings: MatchSettings = DEFAULT_SETTINGS
) -> Match | None:
    """The match of one scheme, or None when a hard rule excludes it."""
    if scheme.status != PUBLISHED or state(scheme.schedule, today) == PAST:
        return None
    found = _Assessment()
    if project.location is not None:
        area = covering(scheme.areas, project.location)
        if area is None:
            return None
        rank = area.rank
        where = f" (comprend {project.location.label})" if project.location.label and scheme.perimeter_label else ""
        found.reasons.append(f"périmètre : {scheme.perimeter_label or 'non précisé'}{where}")
    else:
        rank = scheme.scope_rank
    found.score += settings.weight_narrow * (1 - min(rank, UNSTATED_RANK) / UNSTATED_RANK)
    _assess_applicant(scheme, project, settings, found)
    _assess_terms("theme", scheme.themes, project.themes, settings.weight_theme, settings, found)
    _assess_terms("expense", scheme.expenses, project.expenses, settings.weight_expense, settings, found)
    _assess_amount(scheme, project, found)
    current = _assess_calendar(scheme, today, settings, found)
    return Match(
        scheme=scheme,
        fits=found.failures == 0,
        score=round(found.score, 6),
        reasons=tuple(found.reasons),
        missing=tuple(found.missing),
        failures=found.failures,
        deadline=next_deadline(scheme.schedule, today),
        state=current,
        rank=rank,
    )


def _order(match: Match) -> tuple[object, ...]:
    deadline = match.deadline.toordinal() if match.deadline else dt.date.max.toordinal()
    return (match.failures, -match.score, match.rank, deadline, match.scheme.title.casefold(), match.scheme.id)


def match(
    schemes: Iterable[SchemeFacts],
    project: Project,
    today: dt.date,
    settings: MatchSettings = DEFAULT_SETTINGS,
    *,
    max_failures: int = 1,
    limit: int | None = None,
) -> list[Match]:
    """Schemes for the project, best first: fitting ones, then those failing at most ``max_failures`` criteria."""
    found = [
        result
        for scheme in schemes
        if (result := assess(scheme, project, today, settings)) is not None and result.failures <= max_failures
    ]
    found.sort(key=_order)
    return found if limit is None else found[:limit]
