"""Forms with which the people who run a place keep its record true, without the admin."""

import datetime as dt

from django import forms
from django.forms import inlineformset_factory

from aiguillage.lib import opening_hours
from directory.models import Equipment, ItinerantStop, Place, Term, Vocabulary
from territory.lookup import find_communes
from territory.models import Commune

DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
SLOTS = (("am", "matin"), ("pm", "après-midi"))
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _terms(vocabulary: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.of(vocabulary), required=False, widget=forms.CheckboxSelectMultiple
    )


class PlaceEditForm(forms.ModelForm):
    services = _terms(Vocabulary.SERVICE)
    audiences = _terms(Vocabulary.AUDIENCE)
    accessibility = _terms(Vocabulary.ACCESSIBILITY)
    publics = _terms(Vocabulary.PUBLIC)
    website = forms.URLField(label="Site web", required=False, max_length=500, assume_scheme="https")
    booking_url = forms.URLField(
        label="Prise de rendez-vous en ligne", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Place
        fields = [
            "summary",
            "phone",
            "email",
            "website",
            "booking_url",
            "opening_hours_note",
            "status",
            "status_date",
            "status_note",
            "is_itinerant",
            "services",
            "audiences",
            "publics",
            "accessibility",
        ]
        widgets = {
            "status_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "summary": "En une phrase, ce que propose le lieu",
            "services": "Services",
            "audiences": "Qui peut venir",
            "publics": "Ateliers pensés pour",
            "accessibility": "Accessibilité et accueil adapté",
            "is_itinerant": "Le lieu est itinérant (il se déplace de commune en commune)",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("website", "booking_url"):
            self.fields[name].error_messages["invalid"] = "Saisissez une adresse web complète (https://…)."
        self.fields["email"].error_messages["invalid"] = "Saisissez une adresse électronique valide."
        self.fields["status_date"].error_messages["invalid"] = "Saisissez une date valide."

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") in ("closed", "temporarily_closed") and not data.get("status_date"):
            data["status_date"] = dt.date.today()
        if data.get("status") == "open":
            data["status_date"] = None
        return data


class HoursForm(forms.Form):
    """A week grid (two slots a day) for most places; the OSM syntax for the others."""

    closed_on_holidays = forms.BooleanField(label="Fermé les jours fériés", required=False)
    advanced = forms.CharField(
        label="Horaires particuliers (format OpenStreetMap)",
        required=False,
        max_length=500,
        help_text="Seulement si la grille ne suffit pas, par exemple « We[1] 14:00-18:00 » pour le 1er mercredi "
        "du mois. S'il est rempli, ce champ remplace la grille.",
    )

    def __init__(self, *args: object, spec: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]] = []
        grid = None
        try:
            grid = opening_hours.weekly_hours(spec) if spec else opening_hours.weekly_hours("")
        except opening_hours.OpeningHoursError:
            grid = None
        for index, day in enumerate(DAYS):
            intervals = list(grid.week[index]) if grid else []
            for slot_index, (slot, slot_label) in enumerate(SLOTS):
                start_name, end_name = f"d{index}_{slot}_start", f"d{index}_{slot}_end"
                self.fields[start_name] = forms.TimeField(
                    label=f"{day} {slot_label}, ouverture", required=False, widget=TIME_WIDGET
                )
                self.fields[end_name] = forms.TimeField(
                    label=f"{day} {slot_label}, fermeture", required=False, widget=TIME_WIDGET
                )
                if grid and slot_index < len(intervals):
                    start, end = intervals[slot_index]
                    self.initial[start_name] = _time(start)
                    self.initial[end_name] = _time(end)
        if grid is None or (grid and any(len(intervals) > 2 for intervals in grid.week.values())):
            self.initial["advanced"] = spec
        elif grid:
            self.initial["closed_on_holidays"] = grid.closed_on_holidays
        for field in self.fields.values():
            if isinstance(field, forms.TimeField):
                field.error_messages["invalid"] = "Saisissez une heure, par exemple 09:30."

    def day_rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (day, [(self[f"d{index}_{slot}_start"], self[f"d{index}_{slot}_end"]) for slot, _ in SLOTS])
            for index, day in enumerate(DAYS)
        ]

    def clean(self) -> dict:
        data = super().clean()
        advanced = (data.get("advanced") or "").strip()
        if advanced:
            try:
                opening_hours.parse(advanced)
            except opening_hours.OpeningHoursError as error:
                self.add_error("advanced", str(error))
            data["spec"] = advanced
            return data
        week: dict[int, list[tuple[int, int]]] = {}
        for index, day in enumerate(DAYS):
            intervals = []
            for slot, slot_label in SLOTS:
                start, end = data.get(f"d{index}_{slot}_start"), data.get(f"d{index}_{slot}_end")
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(
                        f"d{index}_{slot}_start", f"{day} {slot_label} : indiquez l'ouverture et la fermeture."
                    )
                    continue
                if end <= start:
                    self.add_error(
                        f"d{index}_{slot}_end", f"{day} {slot_label} : la fermeture doit suivre l'ouverture."
                    )
                    continue
                intervals.append((start.hour * 60 + start.minute, end.hour * 60 + end.minute))
            week[index] = intervals
        if self.errors:
            return data
        spec = opening_hours.build(week)
        if spec and data.get("closed_on_holidays"):
            spec += "; PH off"
        data["spec"] = spec
        return data


def _time(minutes: int) -> dt.time:
    return dt.time(23, 59) if minutes >= 24 * 60 else dt.time(minutes // 60, minutes % 60)


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["kind", "quantity", "notes"]
        labels = {"kind": "Machine", "quantity": "Nombre", "notes": "Précisions (modèle, conditions)"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = Term.objects.of(Vocabulary.EQUIPMENT)
        self.fields["kind"].empty_label = "Choisir une machine"
        self.fields["quantity"].error_messages["min_value"] = "Au moins 1."


class StopForm(forms.ModelForm):
    commune_name = forms.CharField(label="Commune (nom ou code postal)", max_length=100)

    class Meta:
        model = ItinerantStop
        fields = ["location", "schedule", "notes", "position"]
        labels = {"location": "Lieu de l'étape", "schedule": "Passages (format OpenStreetMap)", "position": "Ordre"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.commune_id:
            self.initial["commune_name"] = f"{self.instance.commune.name} ({self.instance.commune.code})"

    def clean_commune_name(self) -> Commune:
        value = self.cleaned_data["commune_name"]
        code = value.rsplit("(", 1)[-1].rstrip(")").strip() if value.endswith(")") else ""
        commune = Commune.objects.filter(code=code).first() if code else None
        if commune is None:
            found = find_communes(value, limit=1)
            commune = found[0] if found else None
        if commune is None:
            raise forms.ValidationError(f"Commune introuvable : « {value} ».")
        return commune

    def clean_schedule(self) -> str:
        schedule = self.cleaned_data["schedule"].strip()
        if schedule:
            try:
                opening_hours.parse(schedule)
            except opening_hours.OpeningHoursError as error:
                raise forms.ValidationError(str(error)) from None
        return schedule

    def save(self, commit: bool = True) -> ItinerantStop:
        self.instance.commune = self.cleaned_data["commune_name"]
        return super().save(commit=commit)


EquipmentFormSet = inlineformset_factory(
    Place, Equipment, form=EquipmentForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
StopFormSet = inlineformset_factory(
    Place, ItinerantStop, form=StopForm, extra=1, can_delete=True, max_num=60, validate_max=True
)
