"""OpenStreetMap ``opening_hours`` values: the whole grammar evaluated by a kept parser, and our French on top.

Two layers:

- **The whole grammar** (week numbers, months, dates, school and public holidays, comments…) goes
  through ``opening-hours-py``, a maintained parser and evaluator of the OSM specification: ``check``
  and ``is_valid`` accept what it accepts; ``is_open_at``, ``status_at`` and ``next_change`` ask it,
  with the French public-holiday calendar (``country="FR"``) and the place's timezone, so that
  "Mo-Fr 08:30-12:00; PH off" is closed on 25 December and on 14 July.
- **The weekly subset** that real places mostly use (days, day ranges, nth weekdays of the month,
  ``PH off``) is also read by our own parser (``parse``), which gives what the library does not: the
  French rendering (``week_table``, ``describe``), the week grid of the editing form
  (``weekly_hours``) and its canonical value back (``build``), and French messages that say which
  piece of a value is wrong and why. A value beyond the subset is rendered day by day from the
  library's own evaluation (``week_table`` with the coming seven days).
"""

import calendar
import datetime
import functools
import re
import zoneinfo
from dataclasses import dataclass, replace

import opening_hours as osm

Interval = tuple[int, int]

DEFAULT_TIMEZONE = "Europe/Paris"
# Public holidays are those of France (the library's calendar of country "FR").
COUNTRY = "FR"

_DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
_DAY_PLURALS = ("lundis", "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches")
_DAY_INDEX = {code.lower(): index for index, code in enumerate(_DAY_CODES)}
_ALL_DAYS = frozenset(range(7))
_DAY_MINUTES = 24 * 60
_WHOLE_DAY: tuple[Interval, ...] = ((0, _DAY_MINUTES),)
_LAST = -1
_CLOSED_WORDS = frozenset({"off", "closed"})
_HOLIDAYS_WORD = "ph"

_UNSUPPORTED_WORDS = {
    **dict.fromkeys(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        "les mois ne sont pas pris en charge",
    ),
    "week": "les numéros de semaine ne sont pas pris en charge",
    **dict.fromkeys(("sunrise", "sunset", "dawn", "dusk"), "les horaires solaires ne sont pas pris en charge"),
    "sh": "les vacances scolaires ne sont pas prises en charge",
    "easter": "Pâques n'est pas pris en charge",
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<always>24/7)
        |(?P<time>\d{1,2}:\d{2})(?!\d)
        |(?P<number>\d+)
        |(?P<word>[^\W\d_]+)
        |(?P<comment>"[^"]*"?)
        |(?P<punct>[-,\[\]])
        |(?P<other>[^\s\w\-,\[\]"]+|\S)
    )""",
    re.VERBOSE,
)


class OpeningHoursError(ValueError):
    """A value outside the supported subset; ``str()`` is a French message fit to show to the person typing it."""

    def __init__(self, piece: str, reason: str, *, prefix: str = "Horaires illisibles") -> None:
        self.piece = piece
        self.reason = reason
        super().__init__(f"{prefix} : « {piece} » ({reason}).")


@dataclass(frozen=True)
class Rule:
    """One day selector of a ``;``-separated rule of the weekly subset: its intervals replace earlier ones.

    ``ranks`` are occurrences of the weekday within its month (1 to 5, -1 for the last one); empty means every
    week. ``intervals`` are minutes since midnight, end exclusive; empty means closed.
    """

    weekdays: frozenset[int] = frozenset()
    ranks: frozenset[int] = frozenset()
    holidays: bool = False
    intervals: tuple[Interval, ...] = ()

    def applies_to(self, day: datetime.date) -> bool:
        # Our own rules know no holiday calendar (is_open_at asks the library, which does).
        if self.holidays or day.weekday() not in self.weekdays:
            return False
        return not self.ranks or bool(self.ranks & _ranks_of(day))


def _ranks_of(day: datetime.date) -> frozenset[int]:
    ranks = {(day.day - 1) // 7 + 1}
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        ranks.add(_LAST)
    return frozenset(ranks)


class _RuleParser:
    """Recursive descent over the tokens of one rule (the text between two ``;``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind is not None:
                self.tokens.append((kind, match.group(kind)))
        self.position = 0

    def fail(self, reason: str) -> OpeningHoursError:
        return OpeningHoursError(self.text, reason)

    def fail_on(self, token: tuple[str, str]) -> OpeningHoursError:
        kind, text = token
        if kind == "comment":
            return self.fail(f"« {text} » : les commentaires ne sont pas pris en charge")
        if kind == "always":
            return self.fail("« 24/7 » doit être seul dans sa règle")
        explanation = _UNSUPPORTED_WORDS.get(text.lower()) if kind == "word" else None
        if explanation:
            return self.fail(f"« {text} » : {explanation}")
        return self.fail(f"« {text} » non compris")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def peek_is(self, text: str) -> bool:
        return self.peek_text() == text

    def peek_text(self) -> str:
        token = self.peek()
        return token[1] if token is not None else ""

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> list[Rule]:
        first = self.peek()
        if first is not None and first[0] == "always":
            self.take()
            self.expect_end()
            return [Rule(weekdays=_ALL_DAYS, intervals=_WHOLE_DAY)]
        selectors = self.selectors()
        intervals = self.schedule(has_selector=bool(selectors))
        self.expect_end()
        if not selectors:
            return [Rule(weekdays=_ALL_DAYS, intervals=intervals)]
        return [replace(selector, intervals=intervals) for selector in _merged(selectors)]

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise self.fail_on(token)

    def at_day_word(self) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].lower() in {*_DAY_INDEX, _HOLIDAYS_WORD}

    def selectors(self) -> list[Rule]:
        selectors: list[Rule] = []
        while self.at_day_word():
            selectors.append(self.day_item())
            if not self.peek_is(","):
                break
            self.take()
            if not self.at_day_word():
                token = self.peek()
                raise self.fail_on(token) if token else self.fail("liste de jours incomplète")
        return selectors

    def day_item(self) -> Rule:
        word = self.take()[1].lower()
        if word == _HOLIDAYS_WORD:
            if self.peek_is("["):
                raise self.fail("les jours fériés ne prennent pas de rang dans le mois")
            return Rule(holidays=True)
        start = _DAY_INDEX[word]
        if self.peek_is("-"):
            self.take()
            if not self.at_day_word() or self.peek_text().lower() == _HOLIDAYS_WORD:
                raise self.fail("plage de jours incomplète")
            end = _DAY_INDEX[self.take()[1].lower()]
            if self.peek_is("["):
                raise self.fail("le rang dans le mois s'applique à un seul jour, par exemple We[1]")
            # Ranges may wrap around the week end: Fr-Mo is Friday to Monday.
            return Rule(weekdays=frozenset((start + step) % 7 for step in range((end - start) % 7 + 1)))
        if self.peek_is("["):
            self.take()
            return Rule(weekdays=frozenset({start}), ranks=self.ranks())
        return Rule(weekdays=frozenset({start}))

    def ranks(self) -> frozenset[int]:
        ranks: set[int] = set()
        while True:
            first = self.rank()
            if self.peek_is("-"):
                self.take()
                last = self.rank()
                if first < 1 or last <= first:
                    raise self.fail(f"plage de rangs impossible : {first}-{last}")
                ranks.update(range(first, last + 1))
            else:
                ranks.add(first)
            if self.peek_is(","):
                self.take()
                continue
            if self.peek_is("]"):
                self.take()
                return frozenset(ranks)
            raise self.fail("crochet non fermé")

    def rank(self) -> int:
        negative = self.peek_is("-")
        if negative:
            self.take()
        token = self.peek()
        if token is None or token[0] != "number":
            raise self.fail("rang dans le mois attendu entre crochets, par exemple We[1]")
        self.take()
        value = -int(token[1]) if negative else int(token[1])
        if not (1 <= value <= 5 or value == _LAST):
            raise self.fail(f"rang impossible : {value}, attendu de 1 à 5, ou -1 pour le dernier")
        return value

    def schedule(self, *, has_selector: bool) -> tuple[Interval, ...]:
        token = self.peek()
        if token is None:
            raise self.fail("jours sans horaires : ajoutez une plage comme 09:00-12:00, ou « off »")
        if token[0] == "word" and token[1].lower() in _CLOSED_WORDS:
            self.take()
            return ()
        if token[0] != "time":
            if has_selector or token[0] != "word" or token[1].lower() in _UNSUPPORTED_WORDS:
                raise self.fail_on(token)
            raise self.fail(f"« {token[1]} » : jour inconnu, utilisez Mo, Tu, We, Th, Fr, Sa, Su ou PH")
        intervals: list[Interval] = []
        while True:
            start = self.time()
            if self.peek_is("+"):
                raise self.fail("« + » : une heure de fin est nécessaire")
            if not self.peek_is("-"):
                raise self.fail("plage horaire incomplète")
            self.take()
            end = self.time()
            if end < start:
                raise self.fail("la fin précède le début")
            if end == start:
                raise self.fail("plage horaire vide")
            intervals.append((start, end))
            if not self.peek_is(","):
                return _normalized(intervals)
            self.take()
            if self.at_day_word():
                raise self.fail(f"« {self.peek_text()} » : séparez les règles par « ; »")

    def time(self) -> int:
        token = self.peek()
        if token is None:
            raise self.fail("plage horaire incomplète")
        if token[0] != "time":
            raise self.fail_on(token)
        self.take()
        hours, minutes = (int(part) for part in token[1].split(":"))
        if minutes > 59:
            raise self.fail("minutes impossibles")
        if hours > 24 or (hours == 24 and minutes):
            raise self.fail("heure impossible")
        return hours * 60 + minutes


def _merged(selectors: list[Rule]) -> list[Rule]:
    """One rule per kind of selector, so that ``Mo,We,Fr`` is a single rule and not three."""
    weekdays_by_ranks: dict[frozenset[int], set[int]] = {}
    holidays = False
    for selector in selectors:
        if selector.holidays:
            holidays = True
        else:
            weekdays_by_ranks.setdefault(selector.ranks, set()).update(selector.weekdays)
    rules = [Rule(weekdays=frozenset(days), ranks=ranks) for ranks, days in weekdays_by_ranks.items()]
    if holidays:
        rules.append(Rule(holidays=True))
    return rules


def _normalized(intervals: list[Interval]) -> tuple[Interval, ...]:
    # Overlapping or touching intervals are merged: with exclusive ends, 9-12 and 12-14 are simply 9-14.
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def parse(spec: str) -> list[Rule]:
    """The rules of ``spec`` in the weekly subset, in order, later ones overriding earlier ones; ``[]`` if empty.

    Raises OpeningHoursError beyond the subset, even for a value of the OSM grammar (see ``check``).
    """
    rules: list[Rule] = []
    for chunk in spec.split(";"):
        text = " ".join(chunk.split())
        if text:
            rules.extend(_RuleParser(text).parse())
    return rules


# A weekday seen over a month: weekly hours, then (ranks, intervals) exceptions applied in order.
_Exceptions = tuple[tuple[frozenset[int], tuple[Interval, ...]], ...]


def _ranks_overlap(first: frozenset[int], second: frozenset[int]) -> bool:
    # The last weekday of a month is also its 4th or 5th one.
    if first & second:
        return True
    return (_LAST in first and bool(second & {4, 5})) or (_LAST in second and bool(first & {4, 5}))


def _weekday_schedule(rules: list[Rule], weekday: int) -> tuple[tuple[Interval, ...], _Exceptions]:
    base: tuple[Interval, ...] = ()
    exceptions: list[tuple[frozenset[int], tuple[Interval, ...]]] = []
    for rule in rules:
        if rule.holidays or weekday not in rule.weekdays:
            continue
        if not rule.ranks:
            base, exceptions = rule.intervals, []
            continue
        exceptions = [(ranks - rule.ranks, hours) for ranks, hours in exceptions if ranks - rule.ranks]
        _add_exception(exceptions, base, rule.ranks, rule.intervals)
    return base, tuple(exceptions)


def _add_exception(
    exceptions: list[tuple[frozenset[int], tuple[Interval, ...]]],
    base: tuple[Interval, ...],
    ranks: frozenset[int],
    intervals: tuple[Interval, ...],
) -> None:
    """Record an exception in the fewest words that keep its meaning, so the French text stays short."""
    if intervals == base and not any(_ranks_overlap(ranks, earlier) for earlier, _ in exceptions):
        return
    # Folding into an earlier exception moves these dates before the ones in between: only if those do not touch them.
    for index in range(len(exceptions) - 1, -1, -1):
        earlier_ranks, earlier_intervals = exceptions[index]
        if earlier_intervals == intervals:
            exceptions[index] = (earlier_ranks | ranks, intervals)
            return
        if _ranks_overlap(earlier_ranks, ranks):
            break
    exceptions.append((ranks, intervals))


def _french_time(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _french_intervals(intervals: tuple[Interval, ...]) -> str:
    return ", ".join(f"{_french_time(start)} – {_french_time(end)}" for start, end in intervals)


def _french_enumeration(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ranks_phrase(ranks: frozenset[int], weekday: int, *, article: bool) -> str:
    ordinals = [
        "dernier" if rank == _LAST else "1er" if rank == 1 else f"{rank}e"
        for rank in sorted(ranks, key=lambda rank: (rank == _LAST, rank))
    ]
    if len(ordinals) == 1:
        phrase = f"{ordinals[0]} {_DAY_NAMES[weekday].lower()} du mois"
        return f"le {phrase}" if article else phrase
    phrase = f"{_french_enumeration(ordinals)} {_DAY_PLURALS[weekday]} du mois"
    return f"les {phrase}" if article else phrase


def _day_text(base: tuple[Interval, ...], exceptions: _Exceptions, weekday: int, *, article: bool) -> str:
    if not exceptions:
        return _french_intervals(base) or "Fermé"
    parts = [
        f"{_ranks_phrase(ranks, weekday, article=article)} : {_french_intervals(intervals) or 'fermé'}"
        for ranks, intervals in exceptions
    ]
    if base:
        parts.insert(0, _french_intervals(base))
    return " ; ".join(parts)


def week_table(
    spec: str, *, today: datetime.date | None = None, timezone: str = DEFAULT_TIMEZONE
) -> list[tuple[str, str]]:
    """Seven ``(day name, hours)`` rows from Monday to Sunday; ``[]`` for an empty value (hours unknown).

    A value beyond the weekly subset (week numbers, months, school holidays…) gives, when ``today`` is
    known, the seven days from ``today`` as the library evaluates them ("Jeudi 25 décembre", "Fermé").
    """
    try:
        rules = parse(spec)
    except OpeningHoursError:
        if today is None or not is_valid(spec):
            raise
        return coming_days(spec, today, timezone=timezone)
    if not rules:
        return []
    return [
        (_DAY_NAMES[weekday], _day_text(*_weekday_schedule(rules, weekday), weekday, article=False))
        for weekday in range(7)
    ]


def _runs(days: list[int], *, wrap: bool) -> list[list[int]]:
    """Consecutive days; with ``wrap``, a run over the week end (Sa-Mo) is kept whole when it reads as a range."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if wrap and len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6 and len(runs[0]) + len(runs[-1]) >= 3:
        runs[-1].extend(runs.pop(0))
    return runs


def _days_phrase(days: list[int]) -> str:
    if len(days) == 7:
        return "Tous les jours"
    runs = _runs(days, wrap=True)
    has_range = any(len(run) >= 3 for run in runs)
    items: list[str] = []
    for run in runs:
        if len(run) >= 3:
            items.append(f"du {_DAY_NAMES[run[0]].lower()} au {_DAY_NAMES[run[-1]].lower()}")
        else:
            items.extend(("le " if has_range else "") + _DAY_NAMES[day].lower() for day in run)
    return _capitalized(_french_enumeration(items))


def describe(spec: str) -> str:
    """A short French summary, days with the same hours grouped; ``""`` for an empty value."""
    rules = parse(spec)
    if not rules:
        return ""
    schedules = [_weekday_schedule(rules, weekday) for weekday in range(7)]
    holiday_rules = [rule for rule in rules if rule.holidays]
    sentences: list[str] = []
    if all(schedule == (_WHOLE_DAY, ()) for schedule in schedules):
        sentences.append("Ouvert 24 h/24, 7 j/7.")
    else:
        sentences.extend(_week_sentences(schedules))
    if not sentences:
        sentences.append("Fermé.")
        holiday_rules = [rule for rule in holiday_rules if rule.intervals]
    if holiday_rules:
        intervals = holiday_rules[-1].intervals
        sentences.append(f"Jours fériés : {_french_intervals(intervals)}." if intervals else "Fermé les jours fériés.")
    return " ".join(sentences)


def _week_sentences(schedules: list[tuple[tuple[Interval, ...], _Exceptions]]) -> list[str]:
    days_by_hours: dict[tuple[Interval, ...], list[int]] = {}
    keyed: list[tuple[int, str]] = []
    for weekday, (base, exceptions) in enumerate(schedules):
        if exceptions:
            text = _day_text(base, exceptions, weekday, article=True)
            sentence = f"{_DAY_NAMES[weekday]} : {text}." if base else f"{_capitalized(text)}."
            keyed.append((weekday, sentence))
        elif base:
            days_by_hours.setdefault(base, []).append(weekday)
    for hours, days in days_by_hours.items():
        keyed.append((_runs(days, wrap=True)[0][0], f"{_days_phrase(days)} : {_french_intervals(hours)}."))
    return [sentence for _, sentence in sorted(keyed)]


def _osm_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}" if 0 <= minutes <= _DAY_MINUTES else str(minutes)


def _osm_days(days: list[int]) -> str:
    if len(days) == 7:
        return "Mo-Su"
    parts: list[str] = []
    # Monday first and never wrapping, so that the same week always gives the same string.
    for run in _runs(days, wrap=False):
        if len(run) >= 3:
            parts.append(f"{_DAY_CODES[run[0]]}-{_DAY_CODES[run[-1]]}")
        else:
            parts.extend(_DAY_CODES[day] for day in run)
    return ",".join(parts)


def build(week: dict[int, list[tuple[int, int]]]) -> str:
    """The canonical value for weekday (0 = Monday) -> ``(start, end)`` minutes; days with equal hours share a rule."""
    hours_by_day: dict[int, tuple[Interval, ...]] = {}
    for weekday in sorted(week):
        if weekday not in _ALL_DAYS:
            raise OpeningHoursError(str(weekday), "attendu de 0 pour lundi à 6 pour dimanche", prefix="Jour impossible")
        for start, end in week[weekday]:
            piece = f"{_DAY_NAMES[weekday]} {_osm_time(start)}-{_osm_time(end)}"
            if not (0 <= start <= _DAY_MINUTES and 0 <= end <= _DAY_MINUTES):
                raise OpeningHoursError(piece, "heure impossible", prefix="Horaires impossibles")
            if end <= start:
                reason = "plage horaire vide" if end == start else "la fin précède le début"
                raise OpeningHoursError(piece, reason, prefix="Horaires impossibles")
        intervals = _normalized(list(week[weekday]))
        if intervals:
            hours_by_day[weekday] = intervals
    if len(hours_by_day) == 7 and all(hours == _WHOLE_DAY for hours in hours_by_day.values()):
        return "24/7"
    days_by_hours: dict[tuple[Interval, ...], list[int]] = {}
    for weekday, hours in hours_by_day.items():
        days_by_hours.setdefault(hours, []).append(weekday)
    return "; ".join(
        f"{_osm_days(days)} {','.join(f'{_osm_time(start)}-{_osm_time(end)}' for start, end in hours)}"
        for hours, days in days_by_hours.items()
    )


@dataclass(frozen=True)
class WeeklyHours:
    """A value that a simple weekly grid can show: the same hours every week, holidays at most closed."""

    week: dict[int, tuple[Interval, ...]]
    closed_on_holidays: bool


def weekly_hours(spec: str) -> WeeklyHours | None:
    """The weekly grid of spec, or None when it says more (nth weekdays, hours on holidays)."""
    rules = parse(spec)
    closed_on_holidays = False
    for rule in rules:
        if rule.holidays:
            if rule.intervals:
                return None
            closed_on_holidays = True
    week: dict[int, tuple[Interval, ...]] = {}
    for weekday in range(7):
        base, exceptions = _weekday_schedule(rules, weekday)
        if exceptions:
            return None
        week[weekday] = base
    return WeeklyHours(week=week, closed_on_holidays=closed_on_holidays)


# The whole grammar, through opening-hours-py.

# What the library raises on a value outside the grammar (its type stubs say SyntaxError; it is ParserError).
_PARSER_ERROR: type[Exception] = getattr(osm, "ParserError", SyntaxError)
# Overseas départements and collectivities (first three digits of the INSEE code) -> their timezone.
_OVERSEAS_TIMEZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
# Past this, a change of state is "not in the coming year": enough for "ouvre à …", and bounded work.
_HORIZON_DAYS = 366


def place_timezone(insee_code: str) -> str:
    """The IANA timezone of a commune, from its INSEE code: overseas ones have their own."""
    return _OVERSEAS_TIMEZONES.get(insee_code[:3], DEFAULT_TIMEZONE)


@functools.lru_cache(maxsize=4096)
def _evaluator(spec: str, timezone: str) -> osm.OpeningHours:
    return osm.OpeningHours(
        spec,
        timezone=zoneinfo.ZoneInfo(timezone),
        country=COUNTRY,
        auto_country=False,
        auto_timezone=False,
        max_interval_days=_HORIZON_DAYS,
    )


def _tidy(spec: str) -> str:
    """One line, without the empty rules that a stray ``;`` leaves (our parser skips them; the library does not)."""
    if '"' in spec:
        # A comment may hold a ";": leave the rules as they are.
        return " ".join(spec.split())
    return "; ".join(rule for rule in (" ".join(part.split()) for part in spec.split(";")) if rule)


def check(spec: str) -> None:
    """Refuse a value outside the OSM grammar with a French message; an empty value is fine (hours unknown).

    The message comes from our own parser when it can say which piece is wrong, else it is general.
    """
    text = _tidy(spec)
    if not text:
        return
    try:
        _evaluator(text, DEFAULT_TIMEZONE)
    except _PARSER_ERROR:
        parse(text)  # raises our precise French message when the value is in our subset's reach
        raise OpeningHoursError(
            text, "ce n'est pas la syntaxe OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00; PH off »"
        ) from None


def is_valid(spec: str) -> bool:
    """Whether ``spec`` is a value of the OSM grammar; an empty value is valid (hours unknown)."""
    try:
        check(spec)
    except OpeningHoursError:
        return False
    return True


def _local(when: datetime.datetime, timezone: str) -> datetime.datetime:
    """``when`` in the place's timezone; a naive moment is read as the place's wall-clock time."""
    zone = zoneinfo.ZoneInfo(timezone)
    return when.replace(tzinfo=zone) if when.tzinfo is None else when.astimezone(zone)


def _evaluated(spec: str, timezone: str) -> osm.OpeningHours | None:
    text = _tidy(spec)
    if not text:
        return None
    try:
        return _evaluator(text, timezone)
    except _PARSER_ERROR:
        return None


def is_open_at(spec: str, when: datetime.datetime, *, timezone: str = DEFAULT_TIMEZONE) -> bool | None:
    """Whether the place is open at ``when``; ``None`` when we cannot tell (no hours, unreadable, "unknown").

    Public holidays are those of France; a naive ``when`` is the place's wall-clock time. Intervals
    include their start and exclude their end: with ``09:00-12:00``, open at 9:00, closed at 12:00.
    """
    evaluated = _evaluated(spec, timezone)
    if evaluated is None:
        return None
    state, _ = evaluated.state(_local(when, timezone))
    if state == osm.State.UNKNOWN:
        return None
    return state == osm.State.OPEN


def next_change(spec: str, when: datetime.datetime, *, timezone: str = DEFAULT_TIMEZONE) -> datetime.datetime | None:
    """When the place next opens or closes after ``when``, in its timezone; ``None`` past a year or unknown."""
    evaluated = _evaluated(spec, timezone)
    if evaluated is None:
        return None
    return evaluated.next_change(_local(when, timezone))


@dataclass(frozen=True)
class OpenStatus:
    """Open or closed now, until when, said in French ("Ouvert, ferme à 12 h", "Fermé, ouvre lundi à 9 h")."""

    is_open: bool
    changes_at: datetime.datetime | None
    text: str


def status_at(spec: str, when: datetime.datetime, *, timezone: str = DEFAULT_TIMEZONE) -> OpenStatus | None:
    """ "Ouvert maintenant" / "ouvre à …" at ``when``; ``None`` when we cannot tell."""
    is_open = is_open_at(spec, when, timezone=timezone)
    if is_open is None:
        return None
    local = _local(when, timezone)
    change = next_change(spec, local, timezone=timezone)
    if is_open:
        if change is None:
            text = "Ouvert maintenant"
        else:
            text = f"Ouvert maintenant, ferme {_french_moment(local, change.astimezone(local.tzinfo))}"
    elif change is None:
        text = "Fermé en ce moment"
    else:
        text = f"Fermé en ce moment, ouvre {_french_moment(local, change.astimezone(local.tzinfo))}"
    return OpenStatus(is_open=is_open, changes_at=change, text=text)


_MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _french_date(day: datetime.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {_MONTH_NAMES[day.month - 1]}"


def _french_moment(now: datetime.datetime, moment: datetime.datetime) -> str:
    """'à 12 h', 'demain à 9 h', 'lundi à 9 h', 'le 3 mars à 9 h', seen from now."""
    clock = f"à {_french_time(moment.hour * 60 + moment.minute)}"
    days = (moment.date() - now.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"demain {clock}"
    if days < 7:
        return f"{_DAY_NAMES[moment.weekday()].lower()} {clock}"
    return f"le {_french_date(moment.date())} {clock}"


def coming_days(
    spec: str, today: datetime.date, *, days: int = 7, timezone: str = DEFAULT_TIMEZONE
) -> list[tuple[str, str]]:
    """``(day, hours)`` rows for the days from ``today``, as the library evaluates them (holidays included)."""
    evaluated = _evaluated(spec, timezone)
    if evaluated is None:
        return []
    zone = zoneinfo.ZoneInfo(timezone)
    rows: list[tuple[str, str]] = []
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
        spans: list[Interval] = []
        unknown = False
        for begin, finish, state, _ in evaluated.intervals(start, end):
            if state == osm.State.UNKNOWN:
                unknown = True
            if state != osm.State.OPEN:
                continue
            first = begin.astimezone(zone)
            last = finish.astimezone(zone)
            end_minute = _DAY_MINUTES if last.date() > day else last.hour * 60 + last.minute
            spans.append((first.hour * 60 + first.minute, end_minute))
        hours = _french_intervals(tuple(spans)) or ("À confirmer" if unknown else "Fermé")
        rows.append((f"{_DAY_NAMES[day.weekday()]} {_french_date(day)}", hours))
    return rows
