"""The week grid of opening hours: the OSM subset it reads and writes, and the form field built on it."""

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.lib import opening_hours
from directory.hours_form import (
    EXPERT,
    HOLIDAYS,
    SUBFIELDS,
    WeekGrid,
    WeekHoursField,
    grid_from_spec,
    spec_from_grid,
)

MORNINGS = ((540, 720),)
WORKDAY = ((540, 720), (840, 1020))


class HoursTestForm(forms.Form):
    hours = WeekHoursField(label="Horaires d'ouverture")


def _post(spec_or_values: dict[str, str]) -> HoursTestForm:
    return HoursTestForm({f"hours_{name}": value for name, value in spec_or_values.items()})


def _untouched(spec: str) -> dict[str, str]:
    """The grid as the browser sends it back when nothing is changed."""
    widget = HoursTestForm.base_fields["hours"].widget
    data = {}
    for suffix, value in zip(widget.widgets_names, widget.decompress(spec), strict=True):
        if value not in (None, False, ""):
            data[suffix.lstrip("_")] = "on" if value is True else str(value)
    return data


# The subset read by the grid


def test_it_reads_day_ranges_lists_and_two_slots_a_day():
    grid = grid_from_spec("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00")
    assert grid == WeekGrid(week=(WORKDAY,) * 5 + (MORNINGS, ()), closed_on_holidays=False)
    assert grid_from_spec("Mo,We,Fr 09:00-12:00").week == (MORNINGS, (), MORNINGS, (), MORNINGS, (), ())


def test_later_rules_replace_earlier_ones_and_off_closes_a_day():
    assert grid_from_spec("Mo-Fr 09:00-12:00; We off").week == (MORNINGS, MORNINGS, (), MORNINGS, MORNINGS, (), ())
    assert grid_from_spec("Mo-Su 09:00-12:00; Sa,Su closed").week == (MORNINGS,) * 5 + ((), ())


def test_it_reads_public_holidays_closed_a_week_end_range_and_hours_without_days():
    grid = grid_from_spec("Fr-Mo 10:00-12:00; PH off")
    assert grid is not None and grid.closed_on_holidays
    assert [bool(day) for day in grid.week] == [True, False, False, False, True, True, True]
    assert grid_from_spec("09:00-12:00") == WeekGrid(week=(MORNINGS,) * 7)
    assert grid_from_spec("mo-fr 9:00-12:00") == grid_from_spec("Mo-Fr 09:00-12:00")


def test_an_empty_value_is_an_empty_grid():
    assert grid_from_spec("") == WeekGrid()
    assert grid_from_spec("  ;  ").is_empty


@pytest.mark.parametrize(
    "spec",
    [
        "We[1] 14:00-18:00",  # nth weekday of the month
        "Mo-Fr 09:00-12:00; PH 10:00-12:00",  # hours on public holidays
        "Mo 08:00-10:00,11:00-12:00,14:00-16:00",  # three slots
        "Mo-Fr 18:00-24:00",  # 24:00 has no place in a time field
        "24/7",
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',
        "Jan-Jun Mo 09:00-12:00",
        "lundi 9h-12h",
        "Mo 12:00-09:00",
    ],
)
def test_what_the_grid_cannot_show_is_left_to_the_expert_field(spec):
    assert grid_from_spec(spec) is None
    widget = HoursTestForm.base_fields["hours"].widget
    assert widget.decompress(spec)[-1] == spec


# The value written by the grid


def test_days_with_the_same_hours_share_one_rule_monday_first():
    grid = WeekGrid(week=(MORNINGS, MORNINGS, WORKDAY, MORNINGS, MORNINGS, (), ()), closed_on_holidays=True)
    assert spec_from_grid(grid) == "Mo,Tu,Th,Fr 09:00-12:00; We 09:00-12:00,14:00-17:00; PH off"
    assert spec_from_grid(WeekGrid(week=(WORKDAY,) * 7)) == "Mo-Su 09:00-12:00,14:00-17:00"
    assert spec_from_grid(WeekGrid(week=((), MORNINGS, MORNINGS, MORNINGS, (), (), MORNINGS))) == "Tu-Th,Su 09:00-12:00"


def test_an_empty_grid_writes_nothing_even_with_holidays_ticked():
    assert spec_from_grid(WeekGrid(closed_on_holidays=True)) == ""


intervals = st.tuples(st.integers(0, 1438), st.integers(1, 1439)).filter(lambda pair: pair[0] < pair[1])
days = st.lists(intervals, max_size=2).map(lambda items: tuple(sorted(items)))


@given(week=st.tuples(*[days] * 7), holidays=st.booleans())
def test_what_the_grid_writes_it_reads_back_and_the_full_parser_accepts(week, holidays):
    spec = spec_from_grid(WeekGrid(week=week, closed_on_holidays=holidays))
    assert opening_hours.is_valid(spec)
    grid = grid_from_spec(spec)
    assert grid is not None
    assert spec_from_grid(grid) == spec
    assert grid_from_spec(spec_from_grid(grid)) == grid


# The form field


def test_the_field_cleans_a_filled_grid_into_the_osm_value():
    form = _post({"d0_am_start": "09:00", "d0_am_end": "12:00", "d2_pm_start": "14:00", "d2_pm_end": "18:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == "Mo 09:00-12:00; We 14:00-18:00"


def test_an_untouched_grid_gives_back_the_same_value():
    for spec in ["Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", "We 14:00-18:00", ""]:
        form = _post(_untouched(spec))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["hours"] == spec


def test_an_afternoon_opening_shows_in_the_afternoon_column():
    values = dict(zip(SUBFIELDS, HoursTestForm.base_fields["hours"].widget.decompress("We 14:00-18:00"), strict=False))
    assert (values["d2_am_start"], values["d2_pm_start"], values["d2_pm_end"]) == (None, "14:00", "18:00")


def test_the_expert_field_replaces_the_grid_and_is_checked():
    form = _post({"d0_am_start": "09:00", "d0_am_end": "12:00", EXPERT: "We[1] 14:00-18:00"})
    assert form.is_valid() and form.cleaned_data["hours"] == "We[1] 14:00-18:00"
    form = _post({EXPERT: "Mo 25:00-26:00"})
    assert not form.is_valid()
    assert form.errors["hours"][0].startswith("Horaires illisibles")
    form = _post({EXPERT: "Mo 09:00-12:00; " * 40})
    assert form.errors["hours"] == ["Les horaires particuliers tiennent en 500 caractères au plus."]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"d0_am_start": "09:00", "d0_am_end": "08:00"}, "Lundi matin : la fermeture doit suivre l'ouverture."),
        ({"d3_pm_start": "14:00"}, "Jeudi après-midi : indiquez l'ouverture et la fermeture."),
        ({"d4_am_start": "9h", "d4_am_end": "12:00"}, "Vendredi matin, ouverture : saisissez une heure"),
        (
            {"d5_am_start": "09:00", "d5_am_end": "15:00", "d5_pm_start": "14:00", "d5_pm_end": "18:00"},
            "Samedi : le matin et l'après-midi se chevauchent.",
        ),
    ],
)
def test_bad_times_are_refused_in_french_naming_the_day(values, message):
    form = _post(values)
    assert not form.is_valid()
    assert any(error.startswith(message) for error in form.errors["hours"]), form.errors


def test_holidays_alone_and_an_empty_grid_clean_to_no_hours():
    form = _post({HOLIDAYS: "on"})
    assert form.is_valid() and form.cleaned_data["hours"] == ""


def test_the_widget_labels_every_input_in_french_and_opens_the_expert_part_when_needed():
    page = HoursTestForm(initial={"hours": "Mo-Fr 09:00-12:00"}).as_div()
    assert "<legend>Horaires d&#x27;ouverture" in page
    assert page.count('type="time"') == len(SUBFIELDS)
    for name in SUBFIELDS:
        assert f'for="id_hours_{name}"' in page and f'id="id_hours_{name}"' in page
    assert "Lundi matin, ouverture" in page and "Dimanche après-midi, fermeture" in page
    assert 'value="09:00"' in page and '<details class="expert-hours">' in page
    expert = HoursTestForm(initial={"hours": "We[1] 14:00-18:00"}).as_div()
    assert '<details class="expert-hours" open>' in expert and 'value="We[1] 14:00-18:00"' in expert
    assert 'aria-describedby="id_hours_osm-hint"' in expert and 'id="id_hours_osm-hint"' in expert
