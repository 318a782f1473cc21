"""The agenda as iCalendar (RFC 5545) files, written with the ``icalendar`` library, for calendar programs."""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from library.models import Event, EventStatus
from library.stops import StopVisit

PRODUCT_ID = "-//aiguillage//agenda//FR"


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "aiguillage.invalid"


def _where(event: Event) -> str:
    parts = []
    if event.place is not None:
        place = event.place
        parts.append(
            ", ".join(
                part for part in (place.name, place.address, f"{place.postcode} {place.commune.name}".strip()) if part
            )
        )
    if event.location_note:
        parts.append(event.location_note)
    if event.online:
        parts.append("En ligne")
    return " — ".join(parts)


def _event_component(event: Event) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", f"{event.uid}@{_host()}")
    component.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    component.add("dtstart", event.starts_at.astimezone(dt.UTC))
    component.add("dtend", event.ends_at.astimezone(dt.UTC))
    component.add("sequence", event.sequence)
    summary = event.title if event.status != EventStatus.CANCELLED else f"Annulé : {event.title}"
    component.add("summary", summary)
    description = event.description
    if event.online_url:
        description += f"\n\nLien de la visioconférence : {event.online_url}"
    if event.registration_url:
        description += f"\n\nInscription : {event.registration_url}"
    component.add("description", description)
    where = _where(event)
    if where:
        component.add("location", where)
    if event.place is not None:
        component.add("geo", (event.place.latitude, event.place.longitude))
    component.add("url", settings.SITE_URL + event.get_absolute_url())
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    themes = [theme.label for theme in event.themes.all()]
    if themes:
        component.add("categories", themes)
    return component


def _visit_component(visit: StopVisit, stamp: dt.datetime) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", f"{visit.uid}@{_host()}")
    component.add("dtstamp", stamp)
    component.add("dtstart", visit.starts_at.astimezone(dt.UTC))
    component.add("dtend", visit.ends_at.astimezone(dt.UTC))
    component.add("summary", visit.title)
    description = f"Passage de {visit.place.name}, unité itinérante de l'annuaire."
    if visit.stop.notes:
        description += f" {visit.stop.notes}"
    component.add("description", description)
    component.add("location", visit.location)
    component.add("url", settings.SITE_URL + visit.place.get_absolute_url())
    component.add("status", "CONFIRMED")
    return component


def build_calendar(*, name: str, events: Iterable[Event], visits: Iterable[StopVisit] = ()) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for event in events:
        calendar.add_component(_event_component(event))
    for visit in visits:
        calendar.add_component(_visit_component(visit, stamp))
    return calendar.to_ical()
