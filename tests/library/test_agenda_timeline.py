"""The agenda's timeline reads a page of events at a time, and gives what a sort of everything would give."""

import datetime as dt
from itertools import chain
from types import SimpleNamespace

from django.utils import timezone

from library.models import Event
from library.views.agenda import Timeline
from tests.library.factories import make_event


def test_a_page_of_the_timeline_is_the_page_of_everything_sorted(db):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    events = [
        make_event(starts_at=start + dt.timedelta(hours=3 * n), ends_at=start + dt.timedelta(hours=3 * n + 1))
        for n in range(7)
    ]
    # Visits in time order, two of them at the very time of an event (the event comes first, as before).
    visits = [SimpleNamespace(starts_at=start + dt.timedelta(hours=hours)) for hours in (0, 1, 6, 10, 25)]
    query = Event.objects.listed().upcoming().for_list()
    everything = sorted(chain(query, visits), key=lambda item: item.starts_at)
    timeline = Timeline(query, visits)
    assert timeline.count() == len(events) + len(visits) == 12
    for window in (slice(0, 5), slice(5, 10), slice(10, 15), slice(3, 4)):
        assert timeline[window] == everything[window]
    assert timeline[0:2][0] == events[0] and timeline[0:2][1] is visits[0]
