"""When a funding scheme takes applications: one-off, ongoing, or a window that comes back every year.

Rules:

- ``opens_on`` and ``closes_on`` bound every scheme, whatever its recurrence: a yearly call of a programme that ends
  in 2027 has no window after 2027;
- a one-off scheme takes applications from ``opens_on`` (or always, when unstated) to ``closes_on`` included
  (or without end, when unstated);
- an ongoing scheme takes them all the time within its bounds: it has no deadline until ``closes_on``;
- a yearly scheme takes them within its usual window, given as two month-days; a window may run across the year end
  (from 15 November to 31 January). Its next deadline is the next end of a window on or after today. The 29th of
  February is refused as a bound: it would fall on a missing day three years out of four.
"""

import datetime as dt
from dataclasses import dataclass

ONE_OFF = "one_off"
ONGOING = "ongoing"
YEARLY = "yearly"
RECURRENCES = (ONE_OFF, ONGOING, YEARLY)

# What the calendar says of a scheme on a given day.
OPEN = "open"
UPCOMING = "upcoming"
PAST = "past"

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_NAMES = (
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


class CalendarError(ValueError):
    """A schedule that cannot be: the message is in French, for the person who typed it."""


@dataclass(frozen=True, order=True)
class MonthDay:
    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise CalendarError(f"Le mois doit être entre 1 et 12, pas {self.month}.")
        if not 1 <= self.day <= _DAYS_IN_MONTH[self.month - 1]:
            if self.month == 2 and self.day == 29:
                raise CalendarError("Le 29 février n'existe pas chaque année : choisissez le 28 février.")
            raise CalendarError(f"Le {self.day} {MONTH_NAMES[self.month - 1]} n'existe pas.")

    @property
    def key(self) -> int:
        return self.month * 100 + self.day

    def in_year(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)

    def label(self) -> str:
        return f"{'1er' if self.day == 1 else self.day} {MONTH_NAMES[self.month - 1]}"

    @classmethod
    def of(cls, day: dt.date) -> "MonthDay":
        return cls(day.month, min(day.day, _DAYS_IN_MONTH[day.month - 1]))


def month_day_key(day: dt.date) -> int:
    """Month-day of a date as MMDD; the 29th of February stays 229, between 228 and 301."""
    return day.month * 100 + day.day


@dataclass(frozen=True)
class Schedule:
    recurrence: str = ONE_OFF
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    window_start: MonthDay | None = None
    window_end: MonthDay | None = None

    def __post_init__(self) -> None:
        if self.recurrence not in RECURRENCES:
            raise CalendarError(f"Récurrence inconnue : {self.recurrence}.")
        if self.opens_on and self.closes_on and self.opens_on > self.closes_on:
            raise CalendarError("La date d'ouverture doit précéder la date de clôture.")
        if self.recurrence == YEARLY and (self.window_start is None or self.window_end is None):
            raise CalendarError("Un dispositif annuel a besoin de sa période habituelle : début et fin.")
        if self.recurrence != YEARLY and (self.window_start is not None or self.window_end is not None):
            raise CalendarError("Seul un dispositif annuel a une période habituelle.")
        if self.window_start is not None and self.window_start == self.window_end:
            raise CalendarError("La période habituelle doit durer plus d'un jour : son début et sa fin diffèrent.")


def in_window(start: MonthDay, end: MonthDay, day: dt.date) -> bool:
    key = month_day_key(day)
    if start.key <= end.key:
        return start.key <= key <= end.key
    return key >= start.key or key <= end.key


def _within_bounds(schedule: Schedule, day: dt.date) -> bool:
    if schedule.opens_on is not None and day < schedule.opens_on:
        return False
    return schedule.closes_on is None or day <= schedule.closes_on


def _next_on_or_after(month_day: MonthDay, day: dt.date) -> dt.date:
    candidate = month_day.in_year(day.year)
    return candidate if candidate >= day else month_day.in_year(day.year + 1)


def _window_containing_or_after(schedule: Schedule, day: dt.date) -> tuple[dt.date, dt.date]:
    """The yearly window open on ``day``, or the next one: its first and last day."""
    assert schedule.window_start is not None and schedule.window_end is not None
    end = _next_on_or_after(schedule.window_end, day)
    start = schedule.window_start.in_year(end.year)
    if start > end:
        start = schedule.window_start.in_year(end.year - 1)
    return start, end


def is_open(schedule: Schedule, today: dt.date) -> bool:
    if not _within_bounds(schedule, today):
        return False
    if schedule.recurrence != YEARLY:
        return True
    assert schedule.window_start is not None and schedule.window_end is not None
    return in_window(schedule.window_start, schedule.window_end, today)


def next_deadline(schedule: Schedule, today: dt.date) -> dt.date | None:
    """The last day to apply, on or after today; None when there is none (ongoing without end, or over)."""
    if schedule.closes_on is not None and schedule.closes_on < today:
        return None
    if schedule.recurrence != YEARLY:
        return schedule.closes_on
    day = today if schedule.opens_on is None else max(today, schedule.opens_on)
    start, end = _window_containing_or_after(schedule, day)
    if schedule.closes_on is not None and end > schedule.closes_on:
        # The programme ends before this window would: its own end is the last deadline, if a window is open then.
        return schedule.closes_on if start <= schedule.closes_on else None
    return end


def next_opening(schedule: Schedule, today: dt.date) -> dt.date | None:
    """The first day applications open after today, for a scheme not open today; None if open or never again."""
    if is_open(schedule, today) or state(schedule, today) == PAST:
        return None
    if schedule.recurrence != YEARLY:
        return schedule.opens_on
    day = today if schedule.opens_on is None else max(today, schedule.opens_on)
    start, _ = _window_containing_or_after(schedule, day)
    return max(start, day)


def state(schedule: Schedule, today: dt.date) -> str:
    """OPEN, UPCOMING (applications open later) or PAST (no application will ever be taken again)."""
    if is_open(schedule, today):
        return OPEN
    if schedule.closes_on is not None and schedule.closes_on < today:
        return PAST
    if schedule.recurrence == YEARLY and next_deadline(schedule, today) is None:
        return PAST
    return UPCOMING


def closes_within(schedule: Schedule, today: dt.date, days: int) -> bool:
    """Whether the next deadline falls within ``days`` days from today (today included)."""
    deadline = next_deadline(schedule, today)
    return deadline is not None and deadline <= today + dt.timedelta(days=max(0, days))


def days_until(day: dt.date, today: dt.date) -> int:
    return (day - today).days


def french_date(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def describe(schedule: Schedule, today: dt.date) -> str:
    """One short French sentence on when to apply."""
    current = state(schedule, today)
    if current == PAST:
        if schedule.closes_on is not None:
            return f"Clôturé le {french_date(schedule.closes_on)}."
        return "Plus de dépôt possible."
    deadline = next_deadline(schedule, today)
    if current == OPEN:
        if deadline is None:
            return "Ouvert en permanence."
        remaining = days_until(deadline, today)
        if remaining == 0:
            return "Ouvert : dernier jour aujourd'hui."
        return f"Ouvert jusqu'au {french_date(deadline)} ({remaining} jour{'s' if remaining > 1 else ''})."
    opening = next_opening(schedule, today)
    when = f" le {french_date(opening)}" if opening else ""
    if deadline is not None:
        return f"Ouvre{when}, jusqu'au {french_date(deadline)}."
    return f"Ouvre{when}."


def usual_window(schedule: Schedule) -> str:
    """The yearly window in words, or ''."""
    if schedule.window_start is None or schedule.window_end is None:
        return ""
    return f"Chaque année, du {schedule.window_start.label()} au {schedule.window_end.label()}."
