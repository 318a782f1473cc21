"""Recurrence and deadlines: one-off, ongoing, yearly windows, and "closing within N days" across a year end."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funding_match.calendar import (
    OPEN,
    PAST,
    UPCOMING,
    CalendarError,
    MonthDay,
    Schedule,
    closes_within,
    describe,
    is_open,
    next_deadline,
    next_opening,
    state,
)

D = dt.date.fromisoformat
WINTER = Schedule(recurrence="yearly", window_start=MonthDay(11, 15), window_end=MonthDay(1, 31))
SPRING = Schedule(recurrence="yearly", window_start=MonthDay(3, 1), window_end=MonthDay(4, 30))


def test_a_one_off_call_closing_early_january_is_closing_within_30_days_on_20_december():
    call = Schedule(recurrence="one_off", opens_on=D("2026-11-01"), closes_on=D("2027-01-10"))

    assert closes_within(call, D("2026-12-20"), 30)
    assert not closes_within(call, D("2026-12-20"), 20)
    assert next_deadline(call, D("2026-12-20")) == D("2027-01-10")
    assert state(call, D("2026-12-20")) == OPEN
    assert state(call, D("2027-01-11")) == PAST
    assert next_deadline(call, D("2027-01-11")) is None


def test_a_yearly_window_across_the_year_end_is_open_on_both_sides_and_closes_in_january():
    assert is_open(WINTER, D("2026-12-31"))
    assert is_open(WINTER, D("2027-01-05"))
    assert not is_open(WINTER, D("2026-06-01"))
    assert next_deadline(WINTER, D("2026-12-20")) == D("2027-01-31")
    assert next_deadline(WINTER, D("2027-01-05")) == D("2027-01-31")
    assert closes_within(WINTER, D("2027-01-05"), 30)
    assert not closes_within(WINTER, D("2026-12-20"), 30)
    assert closes_within(WINTER, D("2026-12-20"), 42)


def test_a_yearly_window_out_of_season_is_upcoming_with_its_next_opening():
    assert state(SPRING, D("2026-12-20")) == UPCOMING
    assert next_opening(SPRING, D("2026-12-20")) == D("2027-03-01")
    assert next_deadline(SPRING, D("2026-12-20")) == D("2027-04-30")
    assert describe(SPRING, D("2026-12-20")) == "Ouvre le 1er mars 2027, jusqu'au 30 avril 2027."


def test_a_yearly_scheme_ends_with_its_programme():
    ending = Schedule(
        recurrence="yearly", closes_on=D("2027-03-15"), window_start=MonthDay(3, 1), window_end=MonthDay(4, 30)
    )

    assert next_deadline(ending, D("2027-03-02")) == D("2027-03-15")
    assert state(ending, D("2027-03-16")) == PAST
    over = Schedule(
        recurrence="yearly", closes_on=D("2027-02-01"), window_start=MonthDay(3, 1), window_end=MonthDay(4, 30)
    )
    assert next_deadline(over, D("2026-12-01")) is None
    assert state(over, D("2026-12-01")) == PAST


def test_an_ongoing_scheme_has_no_deadline_and_is_open_until_it_ends():
    ongoing = Schedule(recurrence="ongoing")
    assert is_open(ongoing, D("2026-12-20"))
    assert next_deadline(ongoing, D("2026-12-20")) is None
    assert not closes_within(ongoing, D("2026-12-20"), 365)
    assert describe(ongoing, D("2026-12-20")) == "Ouvert en permanence."


def test_impossible_schedules_are_refused_in_french():
    with pytest.raises(CalendarError, match="29 février"):
        MonthDay(2, 29)
    with pytest.raises(CalendarError, match="31 avril n'existe pas"):
        MonthDay(4, 31)
    with pytest.raises(CalendarError, match="précéder"):
        Schedule(opens_on=D("2027-01-02"), closes_on=D("2027-01-01"))
    with pytest.raises(CalendarError, match="période habituelle"):
        Schedule(recurrence="yearly")


month_days = st.builds(
    lambda month, day: MonthDay(month, min(day, (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1])),
    st.integers(1, 12),
    st.integers(1, 31),
)


@given(
    start=month_days,
    end=month_days,
    today=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
    days=st.integers(0, 400),
)
def test_a_yearly_deadline_is_within_a_year_at_a_window_end_and_agrees_with_closing_within(start, end, today, days):
    if start == end:
        return
    schedule = Schedule(recurrence="yearly", window_start=start, window_end=end)
    deadline = next_deadline(schedule, today)

    assert deadline is not None and today <= deadline < today + dt.timedelta(days=366)
    assert (deadline.month, deadline.day) == (end.month, end.day)
    assert closes_within(schedule, today, days) == (deadline <= today + dt.timedelta(days=days))
    assert is_open(schedule, today) == (state(schedule, today) == OPEN)
