"""iCal feeds of deadlines, per scheme and per saved search, checked by parsing them back (RFC 5545)."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from funding.models import Alert, AlertStatus, FundingTerm
from tests.funding.factories import make_scheme

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)


def _events(content: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//aiguillage//Financements//FR"
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    for event in events.values():
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"]
    return events


@time_machine.travel(NOON, tick=False)
def test_a_one_off_schemes_deadline_parses_back_as_an_all_day_event(client):
    scheme = make_scheme(title="Appel de janvier", opens_on=dt.date(2027, 1, 2), closes_on=dt.date(2027, 1, 10))

    response = client.get(f"/financements/{scheme.pk}-{scheme.slug}/calendrier.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    deadline = events["Clôture : Appel de janvier"]
    assert deadline.decoded("DTSTART") == dt.date(2027, 1, 10)
    assert deadline.decoded("DTEND") == dt.date(2027, 1, 11)
    assert str(deadline["URL"]).endswith(scheme.get_absolute_url())
    assert events["Ouverture : Appel de janvier"].decoded("DTSTART") == dt.date(2027, 1, 2)
    assert str(deadline["UID"]) == f"financement-{scheme.pk}-cloture@127.0.0.1:8000"
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


@time_machine.travel(NOON, tick=False)
def test_a_yearly_window_repeats_every_year_until_the_programme_ends(client):
    scheme = make_scheme(title="Appel d'hiver", window=((11, 15), (1, 31)), closes_on=dt.date(2029, 2, 1))

    events = _events(client.get(f"/financements/{scheme.pk}-{scheme.slug}/calendrier.ics").content)

    deadline = events["Clôture : Appel d'hiver"]
    assert deadline.decoded("DTSTART") == dt.date(2027, 1, 31)
    rule = deadline.decoded("RRULE")
    assert rule["FREQ"] == ["YEARLY"] and rule["UNTIL"] == [dt.date(2029, 2, 1)]
    assert "Ouverture : Appel d'hiver" not in events  # open today: no opening to announce


@time_machine.travel(NOON, tick=False)
def test_an_alerts_feed_holds_the_deadlines_of_its_schemes_only(client):
    make_scheme(title="Pour les associations", beneficiaries=("association",), closes_on=dt.date(2027, 3, 1))
    make_scheme(title="Pour les entreprises", beneficiaries=("professional",), closes_on=dt.date(2027, 3, 1))
    make_scheme(title="Sans date", beneficiaries=("association",), recurrence="ongoing")
    alert = Alert.objects.create(email="a@example.org", status=AlertStatus.ACTIVE)
    alert.beneficiaries.set([FundingTerm.objects.get(vocabulary="beneficiary", code="association")])

    events = _events(client.get(f"/financements/alertes/{alert.token}/calendrier.ics").content)

    assert set(events) == {"Clôture : Pour les associations"}
    alert.status = AlertStatus.UNSUBSCRIBED
    alert.save()
    assert client.get(f"/financements/alertes/{alert.token}/calendrier.ics").status_code == 404
