"""The stops of itinerant places (a Micro-Folie touring communes), read from the directory, as dated visits.

The directory keeps each stop's rhythm in the OpenStreetMap ``opening_hours`` syntax ("We[1] 14:00-18:00":
the first Wednesday of each month); here it becomes the concrete visits of the coming weeks, so that they
appear in the agenda and its calendars without anyone typing them twice.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from aiguillage import memo
from aiguillage.lib import opening_hours
from directory.models import ItinerantStop, Place, PlaceStatus


@dataclass(frozen=True)
class StopVisit:
    stop: ItinerantStop
    place: Place
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def title(self) -> str:
        return f"{self.place.name} à {self.stop.commune.name}"

    @property
    def uid(self) -> str:
        return f"stop-{self.stop.pk}-{self.starts_at:%Y%m%dT%H%M}"

    @property
    def location(self) -> str:
        parts = [self.stop.location, self.stop.commune.name]
        return ", ".join(part for part in parts if part)

    @property
    def is_stop(self) -> bool:
        return True


def _intervals_on(rules: list[opening_hours.Rule], day: dt.date) -> tuple[tuple[int, int], ...]:
    intervals: tuple[tuple[int, int], ...] = ()
    for rule in rules:
        if rule.applies_to(day):
            intervals = rule.intervals
    return intervals


def _at(day: dt.date, minutes: int) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return timezone.make_aware(moment)


# Every visit of the coming weeks, kept in each process until a place or a stop changes
# (directory.index.places_changed): a national directory's stops cost a third of a second to lay out.
ALL_VISITS_KEY = "library:stop-visits"
ALL_VISITS_SECONDS = 3600


def forget_visits(**kwargs: object) -> None:
    memo.forget(ALL_VISITS_KEY)


def upcoming_visits(*, start: dt.date, days: int) -> list[StopVisit]:
    """stop_visits for every place, read once per process, per day and per change of the directory."""
    kept: dict[tuple[dt.date, int], list[StopVisit]] = memo.get_or_set(ALL_VISITS_KEY, dict, timeout=ALL_VISITS_SECONDS)
    visits = kept.get((start, days))
    if visits is None:
        kept.clear()
        visits = kept[(start, days)] = stop_visits(start=start, days=days)
    return visits


def stop_visits(*, start: dt.date, days: int, place: Place | None = None) -> list[StopVisit]:
    """Every visit of an open itinerant place between ``start`` and ``start + days``, in time order.

    A stop whose rhythm cannot be read is left out rather than guessed.
    """
    stops = (
        ItinerantStop.objects.filter(place__is_itinerant=True, place__status=PlaceStatus.OPEN)
        .exclude(schedule="")
        .select_related("place__commune", "commune")
    )
    if place is not None:
        stops = stops.filter(place=place)
    visits = []
    for stop in stops:
        try:
            rules = opening_hours.parse(stop.schedule)
        except opening_hours.OpeningHoursError:
            continue
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            for begin, end in _intervals_on(rules, day):
                visits.append(StopVisit(stop=stop, place=stop.place, starts_at=_at(day, begin), ends_at=_at(day, end)))
    return sorted(visits, key=lambda visit: (visit.starts_at, visit.stop.pk))
