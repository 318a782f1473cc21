"""Opening hours entered in a week grid: a form field that reads and writes an OpenStreetMap ``opening_hours`` value.

Most places open the same hours every week, in one or two slots a day, and close on public holidays or not: the
grid covers exactly that. Anything else (the first Wednesday of the month, hours on public holidays, three slots a
day) goes in the expert field, in the OpenStreetMap syntax, which replaces the grid when it is filled.

Use it in any form::

    opening_hours = WeekHoursField(label="Horaires d'ouverture")

and render it with ``{% include "directory/widgets/week_hours_field.html" with field=form.opening_hours %}`` (or
``{{ form }}``: the widget is a fieldset). ``cleaned_data`` holds the OSM value, ``""`` when no hours are given.

The grid reads and writes only the simple subset below by itself; the expert value is checked by
``aiguillage.lib.opening_hours`` (one call, in ``expert_problem``).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from aiguillage.lib import opening_hours

DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
SLOTS = (("am", "matin"), ("pm", "après-midi"))
SLOTS_PER_DAY = len(SLOTS)
NOON = 12 * 60

Interval = tuple[int, int]
Week = tuple[tuple[Interval, ...], ...]

_DAY = r"(?:mo|tu|we|th|fr|sa|su)"
_DAYS = re.compile(rf"{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*")
_TIME = r"\d{1,2}:\d{2}"
_TIMES = re.compile(rf"{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*")
_CLOSED = ("off", "closed")


@dataclass(frozen=True)
class WeekGrid:
    """Seven days from Monday, each with its intervals (minutes since midnight, end exclusive), sorted."""

    week: Week = ((),) * 7
    closed_on_holidays: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(self.week)


def grid_from_spec(spec: str) -> WeekGrid | None:
    """The grid that shows ``spec``, or None when the value says more than a grid can (or is not understood).

    The subset: rules ``<days> <intervals>`` or ``<days> off`` separated by ``;``, later rules replacing earlier
    ones for their days (as in OpenStreetMap), at most two intervals a day, and ``PH off``.
    """
    week: list[tuple[Interval, ...]] = [()] * 7
    closed_on_holidays = False
    for chunk in spec.split(";"):
        words = chunk.lower().split()
        if not words:
            continue
        if words in (["ph", "off"], ["ph", "closed"]):
            closed_on_holidays = True
            continue
        if len(words) == 1 and _TIMES.fullmatch(words[0]):
            days, schedule = list(range(7)), words[0]
        elif len(words) == 2 and _DAYS.fullmatch(words[0]):
            days, schedule = _days(words[0]), words[1]
        else:
            return None
        if schedule in _CLOSED:
            intervals: tuple[Interval, ...] = ()
        elif _TIMES.fullmatch(schedule):
            parsed = _intervals(schedule)
            if parsed is None:
                return None
            intervals = parsed
        else:
            return None
        for day in days:
            week[day] = intervals
    return WeekGrid(week=tuple(week), closed_on_holidays=closed_on_holidays)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        first, _, last = item.partition("-")
        start = DAY_CODES.index(first.capitalize())
        end = DAY_CODES.index(last.capitalize()) if last else start
        # Ranges may wrap around the week end: Fr-Mo is Friday to Monday.
        days.extend((start + step) % 7 for step in range((end - start) % 7 + 1))
    return days


def _intervals(text: str) -> tuple[Interval, ...] | None:
    intervals: list[Interval] = []
    for piece in text.split(","):
        start, end = (_minutes(time) for time in piece.split("-"))
        # 24:00 and beyond have no place in a time field: such values stay in the expert field.
        if start is None or end is None or end <= start:
            return None
        intervals.append((start, end))
    merged = _merged(intervals)
    return merged if len(merged) <= SLOTS_PER_DAY else None


def _minutes(text: str) -> int | None:
    hours, minutes = (int(part) for part in text.split(":"))
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def _merged(intervals: list[Interval]) -> tuple[Interval, ...]:
    # With exclusive ends, 09:00-12:00 and 12:00-14:00 are simply 09:00-14:00.
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def spec_from_grid(grid: WeekGrid) -> str:
    """The canonical OSM value of a grid: days with the same hours share a rule, Monday first; ``""`` if empty."""
    if grid.is_empty:
        return ""
    days_by_hours: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in enumerate(grid.week):
        if intervals:
            days_by_hours.setdefault(_merged(list(intervals)), []).append(day)
    rules = [
        f"{_days_text(days)} {','.join(f'{_time_text(start)}-{_time_text(end)}' for start, end in hours)}"
        for hours, days in days_by_hours.items()
    ]
    if grid.closed_on_holidays:
        rules.append("PH off")
    return "; ".join(rules)


def _days_text(days: list[int]) -> str:
    if len(days) == 7:
        return "Mo-Su"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}")
        else:
            parts.extend(DAY_CODES[day] for day in run)
    return ",".join(parts)


def _time_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def expert_problem(spec: str) -> str | None:
    """What is wrong with an expert value, in French; None when it is sound."""
    try:
        opening_hours.check(spec)
    except opening_hours.OpeningHoursError as error:
        return str(error)
    except ValueError:
        return f"Horaires illisibles : « {spec} »."
    return None


def _subfield_names() -> list[str]:
    return [f"d{day}_{slot}_{edge}" for day in range(7) for slot, _ in SLOTS for edge in ("start", "end")]


SUBFIELDS = _subfield_names()
HOLIDAYS, EXPERT = "ph", "osm"


class WeekHoursWidget(forms.MultiWidget):
    """Two time inputs per slot, two slots a day, a "closed on public holidays" box, and the expert field."""

    template_name = "directory/widgets/week_hours.html"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        widgets: dict[str, forms.Widget] = {
            name: forms.TimeInput(attrs={"type": "time", "class": "time-input"}, format="%H:%M") for name in SUBFIELDS
        }
        widgets[HOLIDAYS] = forms.CheckboxInput()
        widgets[EXPERT] = forms.TextInput(attrs={"class": "expert-input", "spellcheck": "false"})
        super().__init__(widgets, attrs)

    def decompress(self, value: str | None) -> list[object]:
        spec = (value or "").strip()
        grid = grid_from_spec(spec)
        if grid is None:
            return [None] * len(SUBFIELDS) + [False, spec]
        values: list[object] = []
        for intervals in grid.week:
            slots: list[Interval | None] = [None] * SLOTS_PER_DAY
            if len(intervals) == 1 and intervals[0][0] >= NOON:
                slots[1] = intervals[0]  # an afternoon opening shows in the afternoon column
            else:
                for index, interval in enumerate(intervals):
                    slots[index] = interval
            for slot in slots:
                values.extend([_time_text(slot[0]), _time_text(slot[1])] if slot else [None, None])
        return [*values, grid.closed_on_holidays, ""]

    def get_context(self, name: str, value: object, attrs: dict[str, object] | None) -> dict[str, object]:
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        base_id = (attrs or {}).get("id") or self.attrs.get("id")
        if base_id:
            # Ids that say which input they are (id_hours_d0_am_start), rather than Django's numbered ones.
            for subwidget, suffix in zip(subwidgets, self.widgets_names, strict=True):
                subwidget["attrs"]["id"] = f"{base_id}{suffix}"
        by_name = dict(zip([*SUBFIELDS, HOLIDAYS, EXPERT], subwidgets, strict=True))
        context["widget"]["days"] = [
            {
                "name": day_name,
                "slots": [
                    {
                        "label": slot_label,
                        "start": by_name[f"d{day}_{slot}_start"],
                        "end": by_name[f"d{day}_{slot}_end"],
                        "start_label": f"{day_name} {slot_label}, ouverture",
                        "end_label": f"{day_name} {slot_label}, fermeture",
                    }
                    for slot, slot_label in SLOTS
                ],
            }
            for day, day_name in enumerate(DAY_NAMES)
        ]
        context["widget"]["holidays"] = by_name[HOLIDAYS]
        expert = by_name[EXPERT]
        if expert["attrs"].get("id"):
            expert["attrs"]["aria-describedby"] = f"{expert['attrs']['id']}-hint"
        context["widget"]["expert"] = expert
        expert_value = by_name[EXPERT].get("value")
        context["widget"]["expert_open"] = bool(expert_value)
        return context


class WeekHoursField(forms.MultiValueField):
    """An OSM ``opening_hours`` value entered in a week grid, or typed in the expert field."""

    widget = WeekHoursWidget
    default_error_messages = {"too_long": "Les horaires particuliers tiennent en 500 caractères au plus."}

    def __init__(self, **kwargs: object) -> None:
        time_error = {"invalid": "saisissez une heure, par exemple 09:30."}
        fields: list[forms.Field] = []
        for day_name in DAY_NAMES:
            for _, slot_label in SLOTS:
                for edge in ("ouverture", "fermeture"):
                    messages = {"invalid": f"{day_name} {slot_label}, {edge} : {time_error['invalid']}"}
                    fields.append(forms.TimeField(required=False, error_messages=messages))
        fields.append(forms.BooleanField(required=False))
        fields.append(forms.CharField(required=False, max_length=500))
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)  # type: ignore[arg-type]
        self.fields[-1].error_messages["max_length"] = self.error_messages["too_long"]

    def compress(self, data_list: list[object]) -> str:
        if not data_list:
            return ""
        expert = str(data_list[-1] or "").strip()
        if expert:
            problem = expert_problem(expert)
            if problem:
                raise ValidationError(problem, code="expert")
            return expert
        errors: list[str] = []
        week: list[tuple[Interval, ...]] = []
        times = data_list[: len(SUBFIELDS)]
        for day, day_name in enumerate(DAY_NAMES):
            intervals: list[Interval] = []
            for index, (_, slot_label) in enumerate(SLOTS):
                position = (day * SLOTS_PER_DAY + index) * 2
                start, end = times[position], times[position + 1]
                if start is None and end is None:
                    continue
                if not isinstance(start, dt.time) or not isinstance(end, dt.time):
                    errors.append(f"{day_name} {slot_label} : indiquez l'ouverture et la fermeture.")
                    continue
                if end <= start:
                    errors.append(f"{day_name} {slot_label} : la fermeture doit suivre l'ouverture.")
                    continue
                intervals.append((start.hour * 60 + start.minute, end.hour * 60 + end.minute))
            if len(intervals) == 2 and intervals[1][0] < intervals[0][1] and intervals[0][0] < intervals[1][1]:
                errors.append(f"{day_name} : le matin et l'après-midi se chevauchent.")
            week.append(tuple(intervals))
        if errors:
            raise ValidationError(errors, code="grid")
        return spec_from_grid(WeekGrid(week=tuple(week), closed_on_holidays=bool(data_list[len(SUBFIELDS)])))
