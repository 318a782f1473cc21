"""Deadlines as iCalendar (RFC 5545), written with the icalendar library: per scheme and per saved search.

Each deadline is an all-day event on its last day to apply; a yearly window repeats every year (RRULE), until the
programme's end when it has one. Openings to come are events too. UIDs are stable, so that a calendar application
updates an event rather than adding it twice.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from funding_match import SchemeFacts
from funding_match.calendar import ONGOING, PAST, YEARLY, next_deadline, next_opening, state

PRODID = "-//aiguillage//Financements//FR"


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "aiguillage"


def _event(uid: str, summary: str, day: dt.date, url: str, description: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("url", url)
    event.add("description", description)
    return event


def _yearly(event: Event, facts: SchemeFacts) -> None:
    rule: dict[str, object] = {"freq": "yearly"}
    if facts.schedule.closes_on is not None:
        rule["until"] = facts.schedule.closes_on
    event.add("rrule", vRecur(rule))


def events_of(facts: SchemeFacts, url: str, today: dt.date, stamp: dt.datetime) -> list[Event]:
    if facts.status != "published" or state(facts.schedule, today) == PAST:
        return []
    full_url = settings.SITE_URL + url
    host = _host()
    events = []
    deadline = next_deadline(facts.schedule, today)
    if deadline is not None:
        event = _event(
            f"financement-{facts.id}-cloture@{host}",
            f"Clôture : {facts.title}",
            deadline,
            full_url,
            f"Dernier jour pour candidater à « {facts.title} ». Vérifiez la date auprès du financeur : {full_url}",
            stamp,
        )
        if facts.schedule.recurrence == YEARLY:
            _yearly(event, facts)
        events.append(event)
    opening = next_opening(facts.schedule, today)
    if opening is not None and facts.schedule.recurrence != ONGOING:
        event = _event(
            f"financement-{facts.id}-ouverture@{host}",
            f"Ouverture : {facts.title}",
            opening,
            full_url,
            f"Les candidatures à « {facts.title} » ouvrent. {full_url}",
            stamp,
        )
        if facts.schedule.recurrence == YEARLY:
            _yearly(event, facts)
        events.append(event)
    return events


def calendar_of(
    schemes: Iterable[tuple[SchemeFacts, str]], *, name: str, today: dt.date, stamp: dt.datetime | None = None
) -> bytes:
    stamp = stamp or timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Financements — {name}")
    for facts, url in schemes:
        for event in events_of(facts, url, today, stamp):
            calendar.add_component(event)
    return calendar.to_ical()


def response(body: bytes, *, filename: str) -> HttpResponse:
    answer = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    answer["Content-Disposition"] = f'inline; filename="{filename}"'
    return answer
