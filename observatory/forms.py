"""What the observatory's pages read from their address: every input checked, every refusal in French."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils import timezone

from aiguillage.lib.dates import add_months
from directory.models import Term, Vocabulary
from observatory import whatif
from observatory.coverage import subjects
from observatory.requests_stats import Period
from territory.models import Epci

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def _month(value: str, field: str) -> dt.date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise forms.ValidationError(f"{field} : indiquez un mois sous la forme AAAA-MM, par exemple 2026-01.")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class PeriodForm(forms.Form):
    du = forms.CharField(label="Du mois", required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    au = forms.CharField(label="Au mois", required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"}))

    def clean(self) -> dict:
        data = super().clean()
        default = Period.last_months(DEFAULT_MONTHS, timezone.localdate())
        first = _month(data["du"], "Du mois") if data.get("du") else default.first
        last = _month(data["au"], "Au mois") if data.get("au") else default.last
        if first > last:
            raise forms.ValidationError("Le premier mois doit venir avant le dernier.")
        if add_months(first, MAX_MONTHS) <= last:
            raise forms.ValidationError(f"Choisissez au plus {MAX_MONTHS} mois.")
        data["period"] = Period.between(first, last)
        return data


def subject_choices(vocabularies: tuple[str, ...] = (Vocabulary.EQUIPMENT, Vocabulary.SERVICE)) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for term in subjects().filter(vocabulary__in=vocabularies):
        groups.setdefault(term.vocabulary, []).append((f"{term.vocabulary}:{term.code}", term.label))
    names = {Vocabulary.EQUIPMENT: "Machines", Vocabulary.SERVICE: "Services"}
    return [(names[vocabulary], choices) for vocabulary, choices in groups.items()]


def term_of(value: str) -> Term | None:
    vocabulary, _, code = value.partition(":")
    return Term.objects.filter(vocabulary=vocabulary, code=code).first()


def served_epcis() -> list[tuple[str, str]]:
    return list(
        Epci.objects.filter(communes__departement__code__in=settings.TERRITORY_DEPARTEMENTS)
        .distinct()
        .order_by("name")
        .values_list("siren", "name")
    )


class SubjectField(forms.ChoiceField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", "Machine ou service")
        kwargs.setdefault("error_messages", {"invalid_choice": "Choisissez une machine ou un service de la liste."})
        super().__init__(**kwargs)


class CoverageForm(forms.Form):
    sujet = SubjectField(initial=f"{Vocabulary.EQUIPMENT}:3d_printer")
    territoire = forms.ChoiceField(
        label="Territoire",
        required=False,
        error_messages={"invalid_choice": "Choisissez le territoire ou l'une de ses intercommunalités."},
    )
    confirmes = forms.BooleanField(label="Seulement les machines confirmées par le lieu", required=False)
    france = forms.BooleanField(label="Ajouter le tableau de toute la France, par département", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sujet"].choices = subject_choices()
        self.fields["territoire"].choices = [("", f"Tout le territoire ({settings.TERRITORY_NAME})"), *served_epcis()]

    def clean_sujet(self) -> Term:
        term = term_of(self.cleaned_data["sujet"])
        if term is None:
            raise forms.ValidationError("Choisissez une machine ou un service de la liste.")
        return term


class SummaryForm(forms.Form):
    """The public page: one of the machines the committee named."""

    machine = forms.ChoiceField(
        label="Machine", required=False, error_messages={"invalid_choice": "Choisissez une machine de la liste."}
    )

    def __init__(self, *args: object, machines: list[Term], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.machines = {term.code: term for term in machines}
        self.fields["machine"].choices = [(term.code, term.label) for term in machines]

    def clean_machine(self) -> Term | None:
        code = self.cleaned_data["machine"]
        if not code:
            return next(iter(self.machines.values()), None)
        return self.machines[code]


class WhatIfForm(forms.Form):
    sujet = SubjectField(initial=f"{Vocabulary.EQUIPMENT}:3d_scanner")
    k = forms.IntegerField(
        label="Nombre de lieux à équiper",
        min_value=1,
        max_value=whatif.MAX_SITES,
        initial=2,
        error_messages={
            "required": "Indiquez combien de lieux équiper.",
            "invalid": "Indiquez un nombre entier.",
            "min_value": "Au moins 1 lieu.",
            "max_value": f"Au plus {whatif.MAX_SITES} lieux.",
        },
    )
    parmi = forms.ChoiceField(
        label="Choisir parmi",
        choices=[
            (whatif.PLACES, "les lieux ouverts du territoire qui n'en ont pas"),
            (whatif.COMMUNES, "toutes les communes du territoire"),
        ],
        initial=whatif.PLACES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez dans la liste."},
    )
    objectif = forms.ChoiceField(
        label="Ce qui compte",
        choices=[
            (whatif.MEDIAN, "la distance moyenne de chaque habitant au lieu le plus proche"),
            (whatif.COVERAGE, "le nombre d'habitants à moins du rayon choisi"),
        ],
        initial=whatif.MEDIAN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez dans la liste."},
    )
    rayon = forms.IntegerField(
        label="Rayon (km)",
        min_value=1,
        max_value=200,
        initial=20,
        error_messages={
            "required": "Indiquez un rayon en kilomètres.",
            "invalid": "Indiquez un nombre entier de kilomètres.",
            "min_value": "Au moins 1 km.",
            "max_value": "Au plus 200 km.",
        },
    )
    choix = forms.CharField(
        label="Votre scénario à comparer (facultatif)",
        required=False,
        max_length=500,
        help_text="Des communes ou des lieux, séparés par des virgules. Par exemple : Clamecy, Luzy.",
        error_messages={"max_length": "Ce scénario est trop long (500 caractères au plus)."},
    )
    confirmes = forms.BooleanField(label="Compter seulement les machines confirmées par le lieu", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sujet"].choices = subject_choices()

    def clean_sujet(self) -> Term:
        term = term_of(self.cleaned_data["sujet"])
        if term is None:
            raise forms.ValidationError("Choisissez une machine ou un service de la liste.")
        return term

    def clean_choix(self) -> list[str]:
        names = whatif.commune_names_in(self.cleaned_data["choix"])
        if len(names) > whatif.MAX_SITES:
            raise forms.ValidationError(f"Au plus {whatif.MAX_SITES} lieux par scénario.")
        return names


def bound(form_class: type[forms.Form], data: dict, **kwargs: object) -> forms.Form:
    """A form bound to the address's parameters, with each field's initial value where none is given."""
    form = form_class(**kwargs)
    values = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    values.update({key: data.get(key) for key in data})
    return form_class(values, **kwargs)
