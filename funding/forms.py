"""Forms of the funding pages; field names are the French query parameters people see in links."""

import copy
from decimal import Decimal
from functools import lru_cache

from django import forms
from django.urls import reverse
from django.utils.safestring import SafeString

from funding import rendering
from funding.models import FundingVocabulary
from funding.vocabularies import Terms

# The search's lists, by query parameter: (vocabulary, label).
TERM_FILTERS = {
    "beneficiaire": (FundingVocabulary.BENEFICIARY, "Pour qui ?"),
    "theme": (FundingVocabulary.THEME, "Thème"),
    "depense": (FundingVocabulary.EXPENSE, "Dépense à financer"),
    "nature": (FundingVocabulary.KIND, "Nature de l'aide"),
    "programme": (FundingVocabulary.PROGRAMME, "Programme"),
}
CLOSING_CHOICES = [("", "Peu importe"), ("7", "7 jours"), ("15", "15 jours"), ("30", "30 jours"), ("60", "60 jours")]
CLOSING_CHOICES += [("90", "90 jours")]
INSEE = r"^(\d{2}|2[AaBb])\d{3}$"


@lru_cache(maxsize=1)
def paths() -> dict[str, str]:
    """The search page's own links, reversed once: a reverse per link was a tenth of the page's time."""
    return {name: reverse(f"funding:{name}") for name in ("search", "results_csv", "results_ods", "new_alert")}


class CodeListField(forms.MultipleChoiceField):
    """Codes of one vocabulary; a former code or a retired term's code means its successor (old links keep working)."""

    def __init__(self, *, vocabulary: str, label: str, terms: Terms) -> None:
        self.vocabulary = vocabulary
        self.terms = terms
        super().__init__(label=label, required=False, choices=terms.choices(vocabulary))
        self.error_messages["invalid_choice"] = "« %(value)s » n'est pas dans la liste."
        self.error_messages["invalid_list"] = "Choisissez dans la liste."

    def to_python(self, value: object) -> list[str]:
        codes = super().to_python(value)
        resolved = []
        for code in codes:
            term = self.terms.resolve(self.vocabulary, code)
            resolved.append(term.code if term is not None else code)
        return list(dict.fromkeys(resolved))


class SharedFields(dict):
    """A form's fields that every instance may share: Django deep-copies base_fields for each form, this does not."""

    def __deepcopy__(self, memo: dict) -> "SharedFields":
        return SharedFields(self)


def _french_messages(fields: dict[str, forms.Field]) -> None:
    fields["q"].error_messages["max_length"] = "Écrivez 200 caractères au plus."
    fields["ou"].error_messages["max_length"] = "Le nom de la commune est trop long."
    fields["commune"].error_messages["invalid"] = "Le code de commune doit être un code INSEE à 5 caractères."
    fields["epci"].error_messages["invalid"] = "L'intercommunalité se donne par son SIREN, 9 chiffres."
    fields["montant"].error_messages.update(
        invalid="Le montant doit être un nombre d'euros, par exemple 5000.",
        min_value="Le montant doit être d'au moins 1 €.",
        max_value="Ce montant est trop grand.",
        max_decimal_places="Deux chiffres après la virgule au plus.",
        max_digits="Ce montant est trop grand.",
    )
    fields["cloture"].error_messages["invalid_choice"] = "Choisissez un délai de la liste."
    fields["page"].error_messages.update(
        invalid="Le numéro de page doit être un nombre.",
        min_value="Le numéro de page commence à 1.",
        max_value="Ce numéro de page est trop grand.",
    )


def shared_fields(terms: Terms) -> SharedFields:
    """The search form's fields for these terms, built once and kept with them."""
    built = terms.search_fields
    if built is None:
        fields = copy.deepcopy(dict(SearchForm.declared_fields))
        _french_messages(fields)
        for name, (vocabulary, label) in TERM_FILTERS.items():
            fields[name] = CodeListField(vocabulary=str(vocabulary), label=label, terms=terms)
        built = SharedFields(fields)
        terms.search_fields = built
    return built


class SearchForm(forms.Form):
    q = forms.CharField(label="Mots", required=False, max_length=200)
    ou = forms.CharField(label="Commune du projet", required=False, max_length=100)
    commune = forms.RegexField(regex=INSEE, required=False)
    epci = forms.RegexField(label="Ou une intercommunalité", regex=r"^\d{9}$", required=False)
    montant = forms.DecimalField(
        label="Montant recherché (€)", required=False, min_value=Decimal(1), max_value=Decimal(10**12), decimal_places=2
    )
    ouvert = forms.BooleanField(label="Ouvert maintenant", required=False)
    cloture = forms.TypedChoiceField(
        label="Clôture dans les", choices=CLOSING_CHOICES, required=False, coerce=int, empty_value=None
    )
    clos = forms.BooleanField(label="Montrer aussi les dispositifs clôturés", required=False)
    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: object, terms: Terms, epcis: list[tuple[str, str]] | None = None, **kwargs: object):
        # Forms of one catalogue snapshot share their fields (read-only once built) instead of deep-copying them.
        self.base_fields = shared_fields(terms)
        super().__init__(*args, **kwargs)
        self.epci_choices = epcis or []

    def clean(self) -> dict:
        data = super().clean()
        if data.get("epci") and (data.get("commune") or data.get("ou")):
            self.add_error("epci", "Choisissez une commune ou une intercommunalité, pas les deux.")
        return data

    def checkbox_groups(self) -> list[tuple[str, str, list[tuple[str, str, bool]]]]:
        """(name, legend, [(code, label, checked)]) for the template: rendered by hand, fast and light."""
        groups = []
        for name in TERM_FILTERS:
            field = self.fields[name]
            chosen = set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
            if self.is_bound and hasattr(self, "cleaned_data") and name in self.cleaned_data:
                chosen = set(self.cleaned_data[name])
            groups.append((name, str(field.label), [(code, label, code in chosen) for code, label in field.choices]))
        return groups

    def html(self, commune_name: str = "") -> SafeString:
        return rendering.search_form_html(self, action=paths()["search"], commune_name=commune_name)

    def filters_html(self) -> SafeString:
        return rendering.checkbox_groups_html(self.checkbox_groups())

    def epci_options_html(self) -> SafeString:
        return rendering.options_html([("", "Aucune"), *self.epci_choices], self["epci"].value())

    def closing_options_html(self) -> SafeString:
        return rendering.options_html(CLOSING_CHOICES, self["cloture"].value())

    @property
    def filters_active(self) -> bool:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return False
        data = self.cleaned_data
        return any(data.get(name) for name in (*TERM_FILTERS, "montant", "ouvert", "cloture", "clos", "epci"))


def localize_decimal_input(data: object) -> object:
    """Accept "5 000,50" as well as "5000.50": people type amounts the French way."""
    if not hasattr(data, "getlist") or "montant" not in data:
        return data
    copy = data.copy()
    copy["montant"] = copy["montant"].replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return copy
