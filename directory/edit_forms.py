"""Forms with which the people who run a place keep its record true, without the admin."""

import datetime as dt

from django import forms
from django.forms import inlineformset_factory

from aiguillage.forms import PhoneField
from aiguillage.lib import opening_hours
from directory.hours_form import WeekHoursField
from directory.models import AccessState, Equipment, ItinerantStop, Place, PointSource, Term, Vocabulary
from territory.lookup import find_communes
from territory.models import Commune


def _terms(vocabulary: str, label: str) -> forms.ModelMultipleChoiceField:
    # A declared field takes no label from Meta.labels: without one, Django would show "Audiences", "Publics".
    return forms.ModelMultipleChoiceField(
        label=label, queryset=Term.objects.of(vocabulary), required=False, widget=forms.CheckboxSelectMultiple
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


def find_commune(value: str) -> Commune | None:
    """The commune a person typed: "Luzy (58149)" as the suggestions write it, a name or a postcode."""
    value = (value or "").strip()
    code = value.rsplit("(", 1)[-1].rstrip(")").strip() if value.endswith(")") else ""
    commune = Commune.objects.filter(code=code).first() if code else None
    if commune is None:
        found = find_communes(value, limit=1)
        commune = found[0] if found else None
    return commune


def commune_text(commune: Commune) -> str:
    return f"{commune.name} ({commune.code})"


# The parts of a place's form, each shown in its own fieldset (or step of the proposal).
SECTIONS: dict[str, tuple[str, ...]] = {
    "identity": ("name", "typologies", "summary"),
    "address": ("address", "address_complement", "postcode", "commune_name"),
    "offer": ("services", "audiences", "publics", "accessibility", "accessibility_no", "acceslibre_url"),
    "hours": ("opening_hours", "opening_hours_note"),
    "contact": ("phone", "email", "website", "booking_url"),
    "status": ("status", "status_date", "status_note"),
    "itinerance": ("is_itinerant",),
}
ALL_SECTIONS = tuple(SECTIONS)


class PlaceForm(AccessibilityStatesMixin, forms.ModelForm):
    """A place's record as its manager, a coordinator or a proposer fills it in, in French.

    ``sections`` keeps only some fieldsets (a step of the proposal); ``only`` keeps only some fields (a merge
    takes what the proposal filled in). Saving a new place, or an address moved to another commune, puts the
    point at the commune's (marked to check): there is no geocoder to place an address.
    """

    name = forms.CharField(
        label="Nom du lieu",
        max_length=200,
        error_messages={"required": "Indiquez le nom du lieu.", "max_length": "200 caractères au plus."},
    )
    typologies = forms.ModelMultipleChoiceField(
        label="Type de lieu",
        queryset=Term.objects.of(Vocabulary.TYPOLOGY),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address = forms.CharField(label="Adresse (numéro et rue)", max_length=250, required=False)
    address_complement = forms.CharField(label="Complément d'adresse", max_length=250, required=False)
    postcode = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Un code postal compte 5 chiffres."},
    )
    commune_name = forms.CharField(
        label="Commune",
        max_length=100,
        help_text="Son nom, par exemple « Luzy ».",
        error_messages={"required": "Indiquez la commune du lieu."},
    )
    phone = PhoneField(label="Téléphone", required=False)
    services = _terms(Vocabulary.SERVICE, "Services")
    audiences = _terms(Vocabulary.AUDIENCE, "Qui peut venir")
    publics = _terms(Vocabulary.PUBLIC, "Ateliers pensés pour")
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
            "name",
            "typologies",
            "summary",
            "address",
            "address_complement",
            "postcode",
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
            "email": "Courriel",
            "opening_hours_note": "Précisions sur les horaires",
            "status": "État",
            "status_date": "Depuis le",
            "status_note": "Note sur l'état (par exemple : fermé pour travaux jusqu'en mars)",
            "services": "Services",
            "audiences": "Qui peut venir",
            "publics": "Ateliers pensés pour",
            "is_itinerant": "Le lieu est itinérant (il se déplace de commune en commune)",
        }

    def __init__(
        self,
        *args: object,
        sections: tuple[str, ...] = ALL_SECTIONS,
        only: set[str] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.only = only
        place = self.instance
        if place.pk:
            yes = frozenset(term.code for term in place.accessibility.all())
            no = frozenset(term.code for term in place.accessibility_no.all())
            if place.commune_id:
                self.initial.setdefault("commune_name", commune_text(place.commune))
        else:
            yes = no = frozenset()
        if "offer" in sections:
            self.add_accessibility_fields(yes=yes, no=no)
        kept = {name for section in sections for name in SECTIONS[section]}
        for name in list(self.fields):
            if name.startswith(ACCESS_PREFIX):
                continue
            if name not in kept or (only is not None and name not in only):
                del self.fields[name]
        for name in ("website", "booking_url", "acceslibre_url"):
            if name in self.fields:
                self.fields[name].error_messages["invalid"] = "Saisissez une adresse web complète (https://…)."
        if "email" in self.fields:
            self.fields["email"].error_messages["invalid"] = "Saisissez une adresse électronique valide."
        if "status_date" in self.fields:
            self.fields["status_date"].error_messages["invalid"] = "Saisissez une date valide."
        self.commune: Commune | None = place.commune if place.commune_id else None

    def has_section(self, section: str) -> bool:
        return any(name in self.fields for name in SECTIONS[section])

    def clean_commune_name(self) -> Commune:
        value = self.cleaned_data["commune_name"]
        commune = find_commune(value)
        if commune is None:
            raise forms.ValidationError(f"Commune introuvable : « {value} ». Vérifiez l'orthographe.")
        return commune

    def clean(self) -> dict:
        data = super().clean()
        if "status" in self.fields:
            if data.get("status") in ("closed", "temporarily_closed") and not data.get("status_date"):
                data["status_date"] = dt.date.today()
            if data.get("status") == "open":
                data["status_date"] = None
        commune = data.get("commune_name")
        if isinstance(commune, Commune):
            postcode = data.get("postcode") or ""
            if postcode and commune.postcode_list and postcode not in commune.postcode_list:
                codes = ", ".join(commune.postcode_list)
                self.add_error("postcode", f"Le code postal {postcode} n'est pas celui de {commune.name} ({codes}).")
            elif "postcode" in self.fields and not postcode and commune.postcode_list:
                data["postcode"] = commune.postcode_list[0]
        if "offer" in self.sections and (self.only is None or "accessibility" in self.only):
            data["accessibility"], data["accessibility_no"] = self.accessibility_answers()
        return data

    def _post_clean(self) -> None:
        commune = self.cleaned_data.get("commune_name")
        place = self.instance
        if isinstance(commune, Commune):
            moved = place.commune_id != commune.pk
            address_changed = any(
                name in self.changed_data for name in ("address", "address_complement", "postcode", "commune_name")
            )
            place.commune = commune
            self.commune = commune
            if not place.pk or moved or (address_changed and place.point_source != PointSource.MANUAL):
                place.latitude, place.longitude = commune.latitude, commune.longitude
                place.point_source = PointSource.COMMUNE
                # The page then says that the point is the commune's and the exact position is to check.
                place.point_to_check = True
        super()._post_clean()


# The manager's form is the place's form with every section.
PlaceEditForm = PlaceForm


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
            self.initial["commune_name"] = commune_text(self.instance.commune)

    def clean_commune_name(self) -> Commune:
        value = self.cleaned_data["commune_name"]
        commune = find_commune(value)
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
