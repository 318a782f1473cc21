"""Forms with which the people who run a place keep its record true, without the admin."""

import datetime as dt

from django import forms
from django.forms import inlineformset_factory

from aiguillage.forms import PhoneField
from aiguillage.lib import opening_hours
from directory.hours_form import WeekHoursField
from directory.models import AccessState, Equipment, ItinerantStop, Place, Term, Vocabulary
from territory.lookup import find_communes
from territory.models import Commune


def _terms(vocabulary: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Term.objects.of(vocabulary), required=False, widget=forms.CheckboxSelectMultiple
    )


ACCESS_PREFIX = "acces_"


class AccessibilityStatesMixin:
    """One question per accessibility code, answered "Oui", "Non" or "Non renseigné" (unknown is not no).

    For any form (a manager's edit, a new place's proposal): call ``add_accessibility_fields`` in ``__init__``
    with what the record says, render ``directory/includes/accessibility_fields.html``, and read the answers
    with ``accessibility_answers`` once the form is valid.
    """

    fields: dict[str, forms.Field]
    initial: dict
    cleaned_data: dict

    def add_accessibility_fields(self, *, yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()) -> None:
        self.accessibility_terms = list(Term.objects.of(Vocabulary.ACCESSIBILITY))
        for term in self.accessibility_terms:
            name = ACCESS_PREFIX + term.code
            self.fields[name] = forms.ChoiceField(
                label=term.label,
                choices=AccessState.choices,
                initial=AccessState.UNKNOWN,
                # Left out of a submission, a question keeps the record's answer.
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Répondez « Oui », « Non » ou « Non renseigné ».",
                    "invalid_choice": "Répondez « Oui », « Non » ou « Non renseigné ».",
                },
            )
            if term.code in yes:
                self.initial[name] = AccessState.YES
            elif term.code in no:
                self.initial[name] = AccessState.NO

    def accessibility_bound_fields(self) -> list[forms.BoundField]:
        return [self[ACCESS_PREFIX + term.code] for term in self.accessibility_terms]  # type: ignore[index]

    def accessibility_answers(self) -> tuple[list[Term], list[Term]]:
        """The terms answered "Oui" and those answered "Non"; the others are not stated."""
        yes, no = [], []
        for term in self.accessibility_terms:
            name = ACCESS_PREFIX + term.code
            answer = self.cleaned_data.get(name) or self.initial.get(name, AccessState.UNKNOWN)
            if answer == AccessState.YES:
                yes.append(term)
            elif answer == AccessState.NO:
                no.append(term)
        return yes, no


class PlaceEditForm(AccessibilityStatesMixin, forms.ModelForm):
    phone = PhoneField(label="Téléphone", required=False)
    services = _terms(Vocabulary.SERVICE)
    audiences = _terms(Vocabulary.AUDIENCE)
    publics = _terms(Vocabulary.PUBLIC)
    # Written from the yes / no / not stated questions (never rendered as such).
    accessibility = forms.ModelMultipleChoiceField(
        queryset=Term.objects.of(Vocabulary.ACCESSIBILITY), required=False, widget=forms.MultipleHiddenInput
    )
    accessibility_no = forms.ModelMultipleChoiceField(
        queryset=Term.objects.of(Vocabulary.ACCESSIBILITY), required=False, widget=forms.MultipleHiddenInput
    )
    acceslibre_url = forms.URLField(
        label="Fiche Acceslibre du lieu",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Si le lieu a une fiche sur acceslibre.beta.gouv.fr, son adresse.",
    )
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
            "accessibility_no",
            "acceslibre_url",
        ]
        widgets = {
            "status_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "summary": "En une phrase, ce que propose le lieu",
            "services": "Services",
            "audiences": "Qui peut venir",
            "publics": "Ateliers pensés pour",
            "is_itinerant": "Le lieu est itinérant (il se déplace de commune en commune)",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        place = self.instance
        if place.pk:
            yes = frozenset(term.code for term in place.accessibility.all())
            no = frozenset(term.code for term in place.accessibility_no.all())
        else:
            yes = no = frozenset()
        self.add_accessibility_fields(yes=yes, no=no)
        for name in ("website", "booking_url", "acceslibre_url"):
            self.fields[name].error_messages["invalid"] = "Saisissez une adresse web complète (https://…)."
        self.fields["email"].error_messages["invalid"] = "Saisissez une adresse électronique valide."
        self.fields["status_date"].error_messages["invalid"] = "Saisissez une date valide."

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") in ("closed", "temporarily_closed") and not data.get("status_date"):
            data["status_date"] = dt.date.today()
        if data.get("status") == "open":
            data["status_date"] = None
        data["accessibility"], data["accessibility_no"] = self.accessibility_answers()
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
