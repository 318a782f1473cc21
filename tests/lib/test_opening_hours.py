import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguillage.lib.opening_hours import (
    OpeningHoursError,
    Rule,
    build,
    check,
    describe,
    is_open_at,
    is_valid,
    parse,
    week_table,
    weekly_hours,
)

# 2026-11-02 is a Monday; November 2026 is used throughout for the nth-weekday rules.
MONDAY = datetime.date(2026, 11, 2)
OFFICE_HOURS = "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute))


def on(weekday: int, hour: int, minute: int = 0) -> datetime.datetime:
    return at(MONDAY + datetime.timedelta(days=weekday), hour, minute)


# Parsing


@pytest.mark.parametrize(
    ("days", "weekdays"),
    [
        ("Mo-Fr", {0, 1, 2, 3, 4}),
        ("Mo,We,Fr", {0, 2, 4}),
        ("Mo-We,Fr", {0, 1, 2, 4}),
        ("Tu-Sa", {1, 2, 3, 4, 5}),
        ("Fr-Mo", {4, 5, 6, 0}),
        ("Su", {6}),
    ],
)
def test_it_reads_day_ranges_lists_and_ranges_over_the_week_end(days: str, weekdays: set[int]) -> None:
    assert parse(f"{days} 09:00-12:00") == [Rule(weekdays=frozenset(weekdays), intervals=((540, 720),))]


def test_it_is_lenient_on_whitespace_and_case() -> None:
    assert parse("  mo - FR  9:00 - 12:00 ,14:00-17:00 ;  sa OFF ; ") == parse("Mo-Fr 09:00-12:00,14:00-17:00; Sa off")


def test_times_without_days_apply_every_day() -> None:
    assert parse("09:00-18:00") == [Rule(weekdays=frozenset(range(7)), intervals=((540, 1080),))]


def test_off_and_closed_both_close_the_days() -> None:
    assert parse("Sa off") == parse("Sa closed") == [Rule(weekdays=frozenset({5}), intervals=())]


def test_overlapping_or_touching_intervals_are_merged_and_sorted() -> None:
    assert parse("Mo 14:00-18:00,09:00-12:00,11:00-12:30,12:30-13:00")[0].intervals == ((540, 780), (840, 1080))


def test_a_day_may_end_at_24_00() -> None:
    assert parse("Fr 20:00-24:00")[0].intervals == ((1200, 1440),)


def test_nth_weekdays_are_read_with_their_ranks() -> None:
    assert parse("We[1] 14:00-18:00; Sa[1,3] 10:00-12:00; Mo[-1] off; Th[2-4] 09:00-10:00") == [
        Rule(weekdays=frozenset({2}), ranks=frozenset({1}), intervals=((840, 1080),)),
        Rule(weekdays=frozenset({5}), ranks=frozenset({1, 3}), intervals=((600, 720),)),
        Rule(weekdays=frozenset({0}), ranks=frozenset({-1}), intervals=()),
        Rule(weekdays=frozenset({3}), ranks=frozenset({2, 3, 4}), intervals=((540, 600),)),
    ]


def test_public_holidays_get_a_rule_of_their_own() -> None:
    assert parse("Mo-Fr 09:00-17:00; PH off") == [
        Rule(weekdays=frozenset(range(5)), intervals=((540, 1020),)),
        Rule(holidays=True, intervals=()),
    ]


def test_an_empty_value_means_unknown_hours_and_is_valid() -> None:
    assert parse("") == parse("  ;  ") == []
    assert is_valid("")


def test_it_validates_realistic_values() -> None:
    assert is_valid(OFFICE_HOURS)
    assert is_valid("24/7; PH off")
    assert is_valid("Tu-Sa 10:00-12:30,14:00-18:00; We[1] 14:00-18:00; PH closed;")
    # The whole OSM grammar is valid, beyond the subset our own parser reads.
    assert is_valid("Mo-Fr 09:00-17:00; Jan off")
    assert not is_valid("Lundi 09:00-12:00")


# Errors


# Values our own parser refuses that the OSM grammar (through opening-hours-py) accepts.
FULL_GRAMMAR = {
    "Mo 14:00-12:00",
    "Mo 12:00-12:00",
    "Mo-Fr",
    "Jan-Mar Mo 09:00-12:00",
    "week 01-10 Mo 09:00-12:00",
    "sunrise-sunset",
    'Mo 09:00-12:00 "sur rendez-vous"',
    "SH off",
    "Mo-Fr 09:00-12:00, Sa 10:00-12:00",
    "Mo 09:00-12:00 || PH off",
    "2026 Mo 09:00-12:00",
    "Mo 10:00+",
    "Mo, 09:00-12:00",
    "We[-2] 14:00-18:00",
    "We[3-1] 14:00-18:00",
}


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("Mo 25:00-12:00", "heure impossible"),
        ("Mo 24:30-12:00", "heure impossible"),
        ("Mo 09:60-12:00", "minutes impossibles"),
        ("Mo 14:00-12:00", "la fin précède le début"),
        ("Mo 12:00-12:00", "plage horaire vide"),
        ("Mo 09:00-", "plage horaire incomplète"),
        ("Mo 09:00", "plage horaire incomplète"),
        ("Mo-Fr", "jours sans horaires"),
        ("Jan-Mar Mo 09:00-12:00", "« Jan » : les mois ne sont pas pris en charge"),
        ("week 01-10 Mo 09:00-12:00", "« week » : les numéros de semaine ne sont pas pris en charge"),
        ("sunrise-sunset", "« sunrise » : les horaires solaires ne sont pas pris en charge"),
        ('Mo 09:00-12:00 "sur rendez-vous"', "les commentaires ne sont pas pris en charge"),
        ("SH off", "« SH » : les vacances scolaires ne sont pas prises en charge"),
        ("Mo-Fr 09:00-12:00, Sa 10:00-12:00", "« Sa » : séparez les règles par « ; »"),
        ("Mo 09:00-12:00 || PH off", "« || » non compris"),
        ("Lundi 09:00-12:00", "« Lundi » : jour inconnu"),
        ("2026 Mo 09:00-12:00", "« 2026 » non compris"),
        ("Mo 0900-1200", "« 0900 » non compris"),
        ("Mo 10:00+", "« + » : une heure de fin est nécessaire"),
        ("Mo 24/7", "« 24/7 » doit être seul dans sa règle"),
        ("Mo- 09:00-12:00", "plage de jours incomplète"),
        ("Mo, 09:00-12:00", "« 09:00 » non compris"),
        ("Mo off 09:00-12:00", "« 09:00 » non compris"),
        ("We[6] 14:00-18:00", "rang impossible : 6"),
        ("We[0] 14:00-18:00", "rang impossible : 0"),
        ("We[-2] 14:00-18:00", "rang impossible : -2"),
        ("We[3-1] 14:00-18:00", "plage de rangs impossible"),
        ("We[] 14:00-18:00", "rang dans le mois attendu"),
        ("We[1 14:00-18:00", "crochet non fermé"),
        ("Mo-Fr[1] 14:00-18:00", "s'applique à un seul jour"),
        ("PH[1] off", "les jours fériés ne prennent pas de rang"),
    ],
)
def test_every_value_outside_the_subset_is_refused_in_french(spec: str, reason: str) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        parse(spec)
    message = str(caught.value)
    assert message.startswith("Horaires illisibles : « ")
    assert message.endswith(").")
    assert reason in message
    if spec in FULL_GRAMMAR:
        # Our own parser does not read it, but the OSM grammar has it: the library evaluates it.
        assert is_valid(spec)
        check(spec)
    else:
        assert not is_valid(spec)
        assert is_open_at(spec, on(0, 10)) is None
        with pytest.raises(OpeningHoursError) as refused:
            check(spec)
        assert reason in str(refused.value)
    with pytest.raises(OpeningHoursError):
        describe(spec)
    with pytest.raises(OpeningHoursError):
        week_table(spec)


def test_the_error_message_quotes_the_rule_that_was_not_understood() -> None:
    with pytest.raises(OpeningHoursError) as caught:
        parse("Mo-Fr 09:00-12:00; Mo 25:00-12:00")
    assert str(caught.value) == "Horaires illisibles : « Mo 25:00-12:00 » (heure impossible)."
    assert caught.value.piece == "Mo 25:00-12:00"
    assert caught.value.reason == "heure impossible"


def test_an_opening_hours_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse("sunrise-sunset")


# Open or closed at a given moment


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (8, 29, False),
        (8, 30, True),
        (11, 59, True),
        (12, 0, False),
        (13, 29, False),
        (13, 30, True),
        (16, 59, True),
        (17, 0, False),
    ],
)
def test_intervals_include_their_start_and_exclude_their_end(hour: int, minute: int, expected: bool) -> None:
    assert is_open_at(OFFICE_HOURS, on(0, hour, minute)) is expected


def test_it_follows_the_week_of_office_hours() -> None:
    assert is_open_at(OFFICE_HOURS, on(4, 16))
    assert is_open_at(OFFICE_HOURS, on(5, 10))
    assert not is_open_at(OFFICE_HOURS, on(5, 14))
    assert not is_open_at(OFFICE_HOURS, on(6, 10))


def test_a_later_rule_overrides_earlier_ones_for_its_days() -> None:
    spec = "Mo-Fr 09:00-17:00; We 14:00-18:00; Fr off"
    assert is_open_at(spec, on(1, 10))
    assert not is_open_at(spec, on(2, 10))
    assert is_open_at(spec, on(2, 17, 30))
    assert not is_open_at(spec, on(4, 10))


def test_a_later_rule_can_reopen_a_day_closed_earlier() -> None:
    assert is_open_at("Sa off; Mo-Su 10:00-12:00", on(5, 11))


def test_a_day_ending_at_24_00_is_open_until_the_last_minute() -> None:
    assert is_open_at("Fr 20:00-24:00", on(4, 23, 59))
    assert not is_open_at("Fr 20:00-24:00", on(5, 0, 0))


def test_24_7_is_always_open() -> None:
    assert is_open_at("24/7", on(0, 0, 0))
    assert is_open_at("24/7", on(6, 23, 59))


def test_public_holidays_are_those_of_france() -> None:
    # Christmas 2026 is a Friday, 14 July 2026 a Tuesday: both closed by "PH off", the day after open.
    spec = "Mo-Fr 09:00-17:00; PH off"
    assert is_open_at(spec, at(datetime.date(2026, 12, 25), 10)) is False
    assert is_open_at(spec, at(datetime.date(2026, 7, 14), 10)) is False
    assert is_open_at(spec, at(datetime.date(2026, 7, 15), 10)) is True
    assert is_open_at("Mo-Fr 09:00-17:00", at(datetime.date(2026, 12, 25), 10)) is True


def test_it_knows_the_first_wednesday_of_the_month() -> None:
    spec = "We[1] 14:00-18:00"
    assert is_open_at(spec, at(datetime.date(2026, 11, 4), 15))
    assert not is_open_at(spec, at(datetime.date(2026, 11, 11), 15))
    assert not is_open_at(spec, at(datetime.date(2026, 11, 5), 15))
    assert is_open_at(spec, at(datetime.date(2026, 12, 2), 15))


def test_it_knows_the_first_and_third_saturdays() -> None:
    spec = "Sa[1,3] 10:00-12:00"
    saturdays = [datetime.date(2026, 11, day) for day in (7, 14, 21, 28)]
    assert [is_open_at(spec, at(day, 11)) for day in saturdays] == [True, False, True, False]


def test_it_knows_the_last_monday_of_the_month() -> None:
    spec = "Mo[-1] 09:00-12:00"
    assert is_open_at(spec, at(datetime.date(2026, 11, 30), 10))
    assert not is_open_at(spec, at(datetime.date(2026, 11, 23), 10))
    # February 2026 has only four Mondays: the 4th is the last.
    assert is_open_at(spec, at(datetime.date(2026, 2, 23), 10))


def test_an_nth_weekday_rule_overrides_the_weekly_hours() -> None:
    spec = "Mo-Fr 09:00-17:00; We[1] off"
    assert not is_open_at(spec, at(datetime.date(2026, 11, 4), 10))
    assert is_open_at(spec, at(datetime.date(2026, 11, 11), 10))


def test_a_naive_moment_is_the_places_wall_clock_and_an_aware_one_is_converted() -> None:
    assert is_open_at(OFFICE_HOURS, on(0, 9))
    # 7:30 UTC is 8:30 in Paris in November.
    assert is_open_at(OFFICE_HOURS, on(0, 7, 30).replace(tzinfo=datetime.UTC))
    assert not is_open_at(OFFICE_HOURS, on(0, 7, 29).replace(tzinfo=datetime.UTC))
    # The same moment in Guadeloupe (UTC-4) is 3:30 at night.
    assert not is_open_at(OFFICE_HOURS, on(0, 7, 30).replace(tzinfo=datetime.UTC), timezone="America/Guadeloupe")


def test_it_cannot_tell_for_an_empty_or_unreadable_value() -> None:
    assert is_open_at("", on(0, 10)) is None
    assert is_open_at("Mo-Fr 09:00-17:00; Lundi 09:00-12:00", on(0, 10)) is None
    assert is_open_at("Mo-Fr 09:00-17:00 unknown", on(0, 10)) is None


# Week table


def test_the_week_table_has_one_row_per_day_from_monday() -> None:
    assert week_table(OFFICE_HOURS) == [
        ("Lundi", "8 h 30 – 12 h, 13 h 30 – 17 h"),
        ("Mardi", "8 h 30 – 12 h, 13 h 30 – 17 h"),
        ("Mercredi", "8 h 30 – 12 h, 13 h 30 – 17 h"),
        ("Jeudi", "8 h 30 – 12 h, 13 h 30 – 17 h"),
        ("Vendredi", "8 h 30 – 12 h, 13 h 30 – 17 h"),
        ("Samedi", "9 h – 12 h"),
        ("Dimanche", "Fermé"),
    ]


def test_the_week_table_writes_midnight_as_0_h_and_24_h_and_keeps_odd_minutes() -> None:
    assert dict(week_table("Mo 00:00-24:00; Tu 08:05-09:45"))["Lundi"] == "0 h – 24 h"
    assert dict(week_table("Mo 00:00-24:00; Tu 08:05-09:45"))["Mardi"] == "8 h 05 – 9 h 45"


@pytest.mark.parametrize(
    ("spec", "day", "text"),
    [
        ("We[1] 14:00-18:00", "Mercredi", "1er mercredi du mois : 14 h – 18 h"),
        ("We[1,3] 14:00-18:00", "Mercredi", "1er et 3e mercredis du mois : 14 h – 18 h"),
        ("Tu[2] 09:00-12:00", "Mardi", "2e mardi du mois : 9 h – 12 h"),
        ("Sa[-1] 10:00-12:00", "Samedi", "dernier samedi du mois : 10 h – 12 h"),
        ("Sa[1,2,-1] 10:00-12:00", "Samedi", "1er, 2e et dernier samedis du mois : 10 h – 12 h"),
        ("We[1] 14:00-18:00; We[3] 14:00-18:00", "Mercredi", "1er et 3e mercredis du mois : 14 h – 18 h"),
        ("Mo-Fr 09:00-17:00; We[1] off", "Mercredi", "9 h – 17 h ; 1er mercredi du mois : fermé"),
        ("We[1,3] 14:00-18:00; We[3] off", "Mercredi", "1er mercredi du mois : 14 h – 18 h"),
        ("We[1] 14:00-18:00; We 09:00-12:00", "Mercredi", "9 h – 12 h"),
        ("Mo-Fr 09:00-17:00; We[2] 09:00-17:00", "Mercredi", "9 h – 17 h"),
    ],
)
def test_the_week_table_spells_out_nth_weekdays(spec: str, day: str, text: str) -> None:
    assert dict(week_table(spec))[day] == text


def test_the_week_table_of_an_empty_value_is_empty() -> None:
    assert week_table("") == []


# Summary


def test_it_groups_identical_weekdays_in_the_summary() -> None:
    assert describe(OFFICE_HOURS) == "Du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h. Samedi : 9 h – 12 h."


@pytest.mark.parametrize(
    ("spec", "summary"),
    [
        ("24/7", "Ouvert 24 h/24, 7 j/7."),
        ("Mo-Su 00:00-24:00", "Ouvert 24 h/24, 7 j/7."),
        ("24/7; PH off", "Ouvert 24 h/24, 7 j/7. Fermé les jours fériés."),
        ("09:00-18:00", "Tous les jours : 9 h – 18 h."),
        ("Mo,We,Fr 09:00-12:00", "Lundi, mercredi et vendredi : 9 h – 12 h."),
        ("Mo-We,Fr 09:00-12:00", "Du lundi au mercredi et le vendredi : 9 h – 12 h."),
        ("Sa,Su 10:00-12:00", "Samedi et dimanche : 10 h – 12 h."),
        ("Fr-Mo 10:00-18:00", "Du vendredi au lundi : 10 h – 18 h."),
        ("Sa-Mo 10:00-12:00; Tu-Th 09:00-17:00", "Du mardi au jeudi : 9 h – 17 h. Du samedi au lundi : 10 h – 12 h."),
        ("Mo-Fr 09:00-17:00; PH off", "Du lundi au vendredi : 9 h – 17 h. Fermé les jours fériés."),
        ("Mo-Fr 09:00-17:00; PH 10:00-12:00", "Du lundi au vendredi : 9 h – 17 h. Jours fériés : 10 h – 12 h."),
        ("We[1] 14:00-18:00", "Le 1er mercredi du mois : 14 h – 18 h."),
        ("Sa[1,3] 10:00-12:00", "Les 1er et 3e samedis du mois : 10 h – 12 h."),
        (
            "Tu-Fr 09:00-17:00; We[1] off",
            "Mardi, jeudi et vendredi : 9 h – 17 h. Mercredi : 9 h – 17 h ; le 1er mercredi du mois : fermé.",
        ),
        ("Mo-Su off", "Fermé."),
        ("Mo-Su off; PH off", "Fermé."),
        ("", ""),
    ],
)
def test_the_summary_reads_as_plain_french(spec: str, summary: str) -> None:
    assert describe(spec) == summary


def test_the_summary_applies_overrides_before_grouping() -> None:
    assert describe("Mo-Sa 09:00-18:00; We 09:00-12:00; Sa off") == (
        "Lundi, mardi, jeudi et vendredi : 9 h – 18 h. Mercredi : 9 h – 12 h."
    )


# Building a value from a week


def test_it_builds_a_canonical_value_grouping_days_with_the_same_hours() -> None:
    office = [(510, 720), (810, 1020)]
    week = {0: office, 1: office, 2: office, 3: office, 4: office, 5: [(540, 720)]}
    assert build(week) == OFFICE_HOURS


def test_it_builds_lists_pairs_and_ranges_of_days() -> None:
    morning = [(540, 720)]
    assert build({0: morning, 2: morning, 5: morning, 6: morning}) == "Mo,We,Sa,Su 09:00-12:00"
    assert build({0: morning, 1: morning, 2: morning, 4: morning}) == "Mo-We,Fr 09:00-12:00"
    assert build({day: morning for day in range(7)}) == "Mo-Su 09:00-12:00"


def test_it_builds_24_7_for_a_week_open_around_the_clock() -> None:
    assert build({day: [(0, 1440)] for day in range(7)}) == "24/7"


def test_it_sorts_intervals_and_omits_closed_days() -> None:
    assert build({3: [(840, 1080), (540, 720)], 5: [], 6: []}) == "Th 09:00-12:00,14:00-18:00"


def test_it_builds_nothing_for_an_empty_week() -> None:
    assert build({}) == ""
    assert build({0: [], 6: []}) == ""


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ({0: [(720, 540)]}, "Horaires impossibles : « Lundi 12:00-09:00 » (la fin précède le début)."),
        ({1: [(540, 540)]}, "Horaires impossibles : « Mardi 09:00-09:00 » (plage horaire vide)."),
        ({2: [(540, 1500)]}, "Horaires impossibles : « Mercredi 09:00-1500 » (heure impossible)."),
        ({7: [(540, 720)]}, "Jour impossible : « 7 » (attendu de 0 pour lundi à 6 pour dimanche)."),
    ],
)
def test_it_refuses_to_build_impossible_hours(week: dict[int, list[tuple[int, int]]], message: str) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        build(week)
    assert str(caught.value) == message


def _interval() -> st.SearchStrategy[tuple[int, int]]:
    return st.integers(0, 1439).flatmap(lambda start: st.tuples(st.just(start), st.integers(start + 1, 1440)))


@settings(deadline=None, database=None)
@given(week=st.dictionaries(st.integers(0, 6), st.lists(_interval(), max_size=3)))
def test_a_built_value_gives_the_same_answers_as_the_week_it_came_from(week: dict[int, list[tuple[int, int]]]) -> None:
    spec = build(week)
    assert is_valid(spec)
    assert describe(spec) or not any(week.values())
    for weekday in range(7):
        intervals = week.get(weekday, [])
        boundaries = {minute for start, end in intervals for minute in (start - 1, start, end - 1, end)}
        for minute in sorted(set(range(0, 1440, 30)) | boundaries):
            if not 0 <= minute < 1440:
                continue
            expected = any(start <= minute < end for start, end in intervals)
            answer = is_open_at(spec, on(weekday, minute // 60, minute % 60))
            # An empty week builds an empty value, for which we cannot tell.
            assert answer is (expected if spec else None)


def test_weekly_hours_give_the_grid_of_a_simple_week():
    grid = weekly_hours("Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; PH off")
    assert grid is not None and grid.closed_on_holidays
    assert grid.week[0] == ((510, 720), (810, 1020))
    assert grid.week[5] == ((540, 720),) and grid.week[6] == ()


def test_weekly_hours_refuse_what_a_weekly_grid_cannot_show():
    assert weekly_hours("We[1] 14:00-18:00") is None
    assert weekly_hours("Mo-Fr 09:00-12:00; PH 10:00-12:00") is None
    assert weekly_hours("").week == {day: () for day in range(7)}
