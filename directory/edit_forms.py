"""Forms with which the people who run a place keep its record true, without the admin."""

import datetime as dt

from django import forms
from django.forms import inlineformset_factory

from aiguillage.forms import PhoneField
from aiguillage.lib import opening_hours
from directory.hours_form import WeekHoursField
from directory.models import Equipment, ItinerantStop, Place, Term, Vocabulary
from territory.lookup import find_communes
from territory.models import Commune


def _terms(vocabulary: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.of(vocabulary), required=False, widget=forms.CheckboxSelectMultiple
    )


class PlaceEditForm(forms.ModelForm):
    phone = PhoneField(label="Téléphone", required=False)
    services = _terms(Vocabulary.SERVICE)
    audiences = _terms(Vocabulary.AUDIENCE)
    accessibility = _terms(Vocabulary.ACCESSIBILITY)
    publics = _terms(Vocabulary.PUBLIC)
    website = forms.URLField(label="Site web", required=False, max_length=500, assume_scheme="https")
    booking_url = forms.URLField(
        label="Prise de rendez-vous en ligne", required=False, max_length=500, assume_scheme="https"
    )
    opening_hours = WeekHoursField(label="Horaires d'ouverture")

    class Meta:
        model = Place
        fields = [
            "summary",
            "phone",
            "email",
            "website",
            "booking_url",
            "opening_hours",
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
                opening_hours.check(schedule)
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
