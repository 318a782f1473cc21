"""The library's demo content: themes, a dozen answer sheets to review, the club innovation's first meeting.

Running it again changes nothing: sheets are known by their question, the meeting by a stable identifier.
"""

import datetime as dt
import json
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from demandes.models import NeedCategory
from library.actions.sheets import SheetContent, create_sheet
from library.models import AnswerSheet, Audience, Event, EventStatus, SheetStatus, Theme
from library.vocabularies import sync_vocabularies

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
# Stable identifiers for the shipped events, so that a second load finds them.
DEMO_NAMESPACE = uuid.UUID("6f1c1d62-3c1e-4a55-9a57-1d3c0a0b7e21")


def first_weekday(after: dt.date, *, weekday: int, months_ahead: int) -> dt.date:
    """The first given weekday (0 = Monday) of the month ``months_ahead`` after ``after``'s month."""
    month = after.month - 1 + months_ahead
    start = dt.date(after.year + month // 12, month % 12 + 1, 1)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def load_library_demo(*, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    created_terms = sync_vocabularies()
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    themes = {theme.code: theme for theme in Theme.objects.all()}
    audiences = {audience.code: audience for audience in Audience.objects.all()}
    needs = {need.code: need for need in NeedCategory.objects.all()}
    sheets_created = events_created = 0
    with transaction.atomic():
        known = set(AnswerSheet.objects.values_list("question", flat=True))
        for entry in data["sheets"]:
            if entry["question"] in known:
                continue
            create_sheet(
                actor=None,
                status=SheetStatus.TO_REVIEW,
                content=SheetContent(
                    question=entry["question"],
                    summary=entry["summary"],
                    body=entry["body"],
                    next_step=entry["next_step"],
                    themes=[themes[code] for code in entry["themes"]],
                    need_categories=[needs[code] for code in entry["needs"] if code in needs],
                ),
            )
            sheets_created += 1
        for entry in data["events"]:
            uid = uuid.uuid5(DEMO_NAMESPACE, entry["key"])
            if Event.objects.filter(uid=uid).exists():
                continue
            day = first_weekday(today, weekday=entry["weekday"], months_ahead=entry["months_ahead"])
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(entry["start"])))
            ends = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(entry["end"])))
            event = Event.objects.create(
                uid=uid,
                title=entry["title"],
                kind=entry["kind"],
                description=entry["description"],
                starts_at=starts,
                ends_at=ends,
                location_note=entry["location_note"],
                online=entry["online"],
                registration=entry["registration"],
                capacity=entry["capacity"],
                status=EventStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            event.themes.set([themes[code] for code in entry["themes"]])
            event.audiences.set([audiences[code] for code in entry["audiences"]])
            events_created += 1
    return [
        f"Ressources : {created_terms} thèmes et publics ajoutés, {sheets_created} fiches réponses à relire, "
        f"{events_created} événement{'s' if events_created > 1 else ''} ajouté{'s' if events_created > 1 else ''} "
        "à l'agenda."
    ]
