from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.models import Term, Vocabulary
from directory.search import RADII

FILTER_FIELDS = {
    "type": Vocabulary.TYPOLOGY,
    "service": Vocabulary.SERVICE,
    "equipement": Vocabulary.EQUIPMENT,
    "public": Vocabulary.AUDIENCE,
    "accessibilite": Vocabulary.ACCESSIBILITY,
}


class PlainSelect(forms.Select):
    """A select rendered in Python: the template per option of Django's widget was a fifth of a search page's time."""

    # Selected when the form carries no value: what the search does without one (not the first option).
    default: str | None = None

    def render(self, name: str, value: object, attrs: dict | None = None, renderer: object = None) -> SafeString:
        selected = {str(item) for item in (value if isinstance(value, list | tuple) else [value]) if item}
        if not selected and self.default is not None:
            selected = {self.default}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if str(code) in selected else ""}>{escape(label)}</option>'
            for code, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


class SearchForm(forms.Form):
    """The public search. Field names are the French query parameters people see in links."""

    q = forms.CharField(label="De quoi avez-vous besoin ?", required=False, max_length=200)
    ou = forms.CharField(label="Où ?", required=False, max_length=100)
    # The commune already chosen, by INSEE code: what the page's own links carry, so that they mean one commune.
    commune = forms.RegexField(regex=r"^(\d{2}|2[AaBb])\d{3}$", required=False)
    rayon = forms.TypedChoiceField(label="Distance", required=False, coerce=int, empty_value=None, widget=PlainSelect)
    type = forms.ChoiceField(label="Type de lieu", required=False, widget=PlainSelect)
    service = forms.ChoiceField(label="Service", required=False, widget=PlainSelect)
    equipement = forms.ChoiceField(label="Équipement", required=False, widget=PlainSelect)
    public = forms.ChoiceField(label="Accueille", required=False, widget=PlainSelect)
    accessibilite = forms.ChoiceField(label="Accessibilité", required=False, widget=PlainSelect)
    ouvert = forms.BooleanField(label="Ouvert maintenant", required=False)
    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=10_000)
    # "Autour de moi": the position the browser gave, when it did.
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)

    def __init__(self, *args: object, terms: list[Term], used_typologies: set[int] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        for name, vocabulary in FILTER_FIELDS.items():
            choices = [
                (term.code, term.label)
                for term in terms
                if term.vocabulary == vocabulary
                and (vocabulary != Vocabulary.TYPOLOGY or used_typologies is None or term.pk in used_typologies)
            ]
            self.fields[name].choices = [("", "Tous")] + choices
            self.fields[name].error_messages["invalid_choice"] = "Ce choix n'existe pas dans la liste."
        default = settings.SEARCH_DEFAULT_RADIUS_KM
        self.fields["rayon"].choices = [(str(km), f"{km} km") for km in sorted({*RADII, default})]
        self.fields["rayon"].widget.default = str(default)
        self.fields["rayon"].error_messages["invalid_choice"] = "Choisissez une distance de la liste."
        self.fields["page"].error_messages["invalid"] = "Le numéro de page doit être un nombre."
        self.fields["page"].error_messages["min_value"] = "Le numéro de page commence à 1."
        self.fields["page"].error_messages["max_value"] = "Ce numéro de page est trop grand."
        self.fields["q"].error_messages["max_length"] = "Décrivez votre besoin en 200 caractères au plus."
        self.fields["ou"].error_messages["max_length"] = "Le nom de la commune est trop long."
        self.fields["commune"].error_messages["invalid"] = "Le code de commune doit être un code INSEE à 5 caractères."
        for name in ("lat", "lon"):
            for key in ("invalid", "min_value", "max_value"):
                self.fields[name].error_messages[key] = "Votre position n'a pas pu être lue : indiquez votre commune."

    def filter_fields(self) -> list[forms.BoundField]:
        """The filter panel's fields, by name: the search field is shown once, above."""
        return [self[name] for name in ("rayon", *FILTER_FIELDS)]

    def vocabulary_filters(self) -> dict[str, str]:
        return {
            vocabulary: self.cleaned_data[name]
            for name, vocabulary in FILTER_FIELDS.items()
            if self.cleaned_data.get(name)
        }
