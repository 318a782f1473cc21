"""The form coordinators and partners write a scheme with; it turns into a SchemeRecord for funding.writing."""

import dataclasses
import re
from decimal import Decimal, InvalidOperation

from django import forms

from aiguillage.lib.text import fold
from funding.exchange.records import FunderData, SchemeRecord
from funding.models import FunderLevel, FundingTerm, FundingVocabulary, Recurrence, Scheme
from funding_match import perimeter
from funding_match.calendar import CalendarError, MonthDay

FUNDER_ROWS = 4
KIND_WORDS = {
    "europe": perimeter.EU,
    "ue": perimeter.EU,
    "eu": perimeter.EU,
    "union europeenne": perimeter.EU,
    "france": perimeter.FRANCE,
    "region": perimeter.REGION,
    "regions": perimeter.REGION,
    "departement": perimeter.DEPARTEMENT,
    "departements": perimeter.DEPARTEMENT,
    "epci": perimeter.EPCI,
    "intercommunalite": perimeter.EPCI,
    "commune": perimeter.COMMUNE,
    "communes": perimeter.COMMUNE,
}
KIND_NAMES = {
    perimeter.EU: "europe",
    perimeter.FRANCE: "france",
    perimeter.REGION: "région",
    perimeter.DEPARTEMENT: "département",
    perimeter.EPCI: "epci",
    perimeter.COMMUNE: "commune",
}


def parse_perimeter(text: str) -> tuple[list[str], list[str]]:
    """Area tokens ("departement:58") from the form's lines, and the problems in French."""
    areas: list[str] = []
    problems: list[str] = []
    for line in text.splitlines():
        words = [word for word in re.split(r"[\s,;:]+", line.strip()) if word]
        if not words:
            continue
        codes = [word for word in words if any(character.isdigit() for character in word)]
        name = fold(" ".join(word for word in words if word not in codes))
        kind = KIND_WORDS.get(name)
        if kind is None:
            problems.append(
                f"« {line.strip()} » : commencez la ligne par europe, france, région, département, epci ou commune."
            )
        elif kind in perimeter.WHOLE:
            if codes:
                problems.append(f"« {line.strip()} » : l'Union européenne et la France ne prennent pas de code.")
            areas.append(kind)
        elif not codes:
            problems.append(f"« {line.strip()} » : donnez au moins un code.")
        else:
            areas += [f"{kind}:{code.upper()}" for code in codes]
    return list(dict.fromkeys(areas)), problems


DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*$")


class FrenchDecimalField(forms.CharField):
    """A number typed the French way ("1 500,50") or the other ("1500.50")."""

    def __init__(self, *, maximum: Decimal, **kwargs: object) -> None:
        self.maximum = maximum
        super().__init__(required=False, max_length=20, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> Decimal | None:
        text = str(super().clean(value) or "")
        text = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("€", "")
        text = text.replace("%", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Écrivez un nombre, par exemple 1500 ou 1 500,50.") from None
        if not number.is_finite() or number < 0:
            raise forms.ValidationError("Écrivez un nombre positif.")
        if number > self.maximum:
            raise forms.ValidationError(f"Ce nombre dépasse {self.maximum}.")
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError("Deux chiffres après la virgule au plus.")
        return number


class DayMonthField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, max_length=5, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> MonthDay | None:
        text = str(super().clean(value) or "")
        if not text:
            return None
        match = DAY_MONTH.match(text)
        if not match:
            raise forms.ValidationError("Écrivez le jour et le mois ainsi : 15/03.")
        try:
            return MonthDay(int(match.group(2)), int(match.group(1)))
        except CalendarError as error:
            raise forms.ValidationError(str(error)) from None


def _terms(vocabulary: str, label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        required=False,
        queryset=FundingTerm.objects.of(vocabulary).active(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "« %(value)s » n'est pas dans la liste.",
            "invalid_list": "Choisissez dans la liste.",
        },
    )


class SchemeForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    summary = forms.CharField(
        label="Résumé", max_length=400, widget=forms.Textarea(attrs={"rows": 3}), help_text="Deux phrases simples."
    )
    description = forms.CharField(label="Présentation", required=False, widget=forms.Textarea)
    eligibility = forms.CharField(label="Conditions", required=False, widget=forms.Textarea)
    programmes = _terms(FundingVocabulary.PROGRAMME, "Programmes")
    kinds = _terms(FundingVocabulary.KIND, "Nature de l'aide")
    beneficiaries = _terms(FundingVocabulary.BENEFICIARY, "Bénéficiaires")
    themes = _terms(FundingVocabulary.THEME, "Thèmes")
    expenses = _terms(FundingVocabulary.EXPENSE, "Dépenses éligibles")
    perimeter = forms.CharField(
        label="Périmètre",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une ligne par niveau, avec les codes : « europe », « france », « région 27 », "
        "« département 58 89 », "
        "« epci 200067882 », « commune 58149 58194 ».",
    )
    amount_floor = FrenchDecimalField(label="Montant minimum (€)", maximum=Decimal(10**12))
    amount_ceiling = FrenchDecimalField(label="Montant maximum (€)", maximum=Decimal(10**12))
    rate_min = FrenchDecimalField(label="Taux minimum (%)", maximum=Decimal(100))
    rate_max = FrenchDecimalField(label="Taux maximum (%)", maximum=Decimal(100))
    amount_note = forms.CharField(label="Précisions sur le montant", required=False, max_length=300)
    recurrence = forms.ChoiceField(label="Calendrier", choices=Recurrence.choices)
    opens_on = forms.DateField(label="Ouverture", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Clôture", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    window_start = DayMonthField(label="Chaque année, du (jour/mois)")
    window_end = DayMonthField(label="au (jour/mois)")
    how_to_apply = forms.CharField(label="Comment candidater", required=False, widget=forms.Textarea)
    application_url = forms.URLField(label="Adresse du dépôt", required=False, max_length=500, assume_scheme="https")
    contact = forms.CharField(label="Contact", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_url = forms.URLField(
        label="Source (page publique du financeur)", required=False, max_length=500, assume_scheme="https"
    )
    checked_on = forms.DateField(label="Vérifié le", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    checked_by = forms.CharField(label="Vérifié par", required=False, max_length=200)
    needs_check = forms.BooleanField(label="À vérifier auprès du financeur", required=False)
    parent = forms.ModelChoiceField(
        label="Déclinaison locale de", required=False, queryset=Scheme.objects.none(), empty_label="Aucun dispositif"
    )

    def __init__(self, *args: object, scheme: Scheme | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        parents = Scheme.objects.public().filter(areas__kind__in=[perimeter.FRANCE, perimeter.EU]).distinct()
        if scheme is not None:
            parents = parents.exclude(pk=scheme.pk)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = parents.order_by("title")
        for index in range(1, FUNDER_ROWS + 1):
            self.fields[f"funder_{index}_name"] = forms.CharField(
                label=f"Financeur {index}", required=False, max_length=200
            )
            self.fields[f"funder_{index}_level"] = forms.ChoiceField(
                label=f"Niveau du financeur {index}", required=False, choices=[("", "—"), *FunderLevel.choices]
            )
        for field in self.fields.values():
            field.error_messages.setdefault("required", "Ce champ est obligatoire.")
            field.error_messages["required"] = "Ce champ est obligatoire."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "Écrivez une date, par exemple 31/12/2026."
            if isinstance(field, forms.URLField):
                field.error_messages["invalid"] = "Écrivez une adresse web complète, commençant par https://."

    def funder_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"funder_{index}_name"], self[f"funder_{index}_level"]) for index in range(1, FUNDER_ROWS + 1)]

    def clean(self) -> dict:
        data = super().clean()
        for index in range(1, FUNDER_ROWS + 1):
            name, level = data.get(f"funder_{index}_name"), data.get(f"funder_{index}_level")
            if name and not level:
                self.add_error(f"funder_{index}_level", "Choisissez le niveau de ce financeur.")
        areas, problems = parse_perimeter(data.get("perimeter") or "")
        for problem in problems:
            self.add_error("perimeter", problem)
        self.areas = areas
        low, high = data.get("amount_floor"), data.get("amount_ceiling")
        if low is not None and high is not None and low > high:
            self.add_error("amount_ceiling", "Le maximum doit être au moins égal au minimum.")
        if data.get("recurrence") == Recurrence.YEARLY:
            for name in ("window_start", "window_end"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Un dispositif annuel a besoin de sa période habituelle.")
        return data

    def record(self, *, source: str, source_id: str, status: str) -> SchemeRecord:
        data = self.cleaned_data
        yearly = data["recurrence"] == Recurrence.YEARLY
        parent = data.get("parent")
        return SchemeRecord(
            source=source,
            source_id=source_id,
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            description=data["description"],
            eligibility=data["eligibility"],
            status=status,
            funders=tuple(
                FunderData(name=data[f"funder_{index}_name"].strip(), level=data[f"funder_{index}_level"])
                for index in range(1, FUNDER_ROWS + 1)
                if data.get(f"funder_{index}_name")
            ),
            programmes=tuple(term.code for term in data["programmes"]),
            kinds=tuple(term.code for term in data["kinds"]),
            beneficiaries=tuple(term.code for term in data["beneficiaries"]),
            themes=tuple(term.code for term in data["themes"]),
            expenses=tuple(term.code for term in data["expenses"]),
            perimeter=tuple(self.areas),
            amount_floor=data["amount_floor"],
            amount_ceiling=data["amount_ceiling"],
            rate_min=data["rate_min"],
            rate_max=data["rate_max"],
            amount_note=data["amount_note"],
            recurrence=data["recurrence"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            window_start=data["window_start"] if yearly else None,
            window_end=data["window_end"] if yearly else None,
            how_to_apply=data["how_to_apply"],
            application_url=data["application_url"],
            contact=data["contact"],
            source_url=data["source_url"],
            checked_on=data["checked_on"],
            checked_by=data["checked_by"],
            needs_check=data["needs_check"],
            parent=f"{parent.source}:{parent.source_id}" if parent else "",
        )


def initial_of(record: SchemeRecord, scheme: Scheme) -> dict:
    """The form's initial values from a stored scheme."""
    initial = {name: getattr(record, name) for name in ("title", "summary", "description", "eligibility")}
    initial.update(
        {
            name: list(getattr(scheme, name).all())
            for name in ("programmes", "kinds", "beneficiaries", "themes", "expenses")
        }
    )
    for index, funder in enumerate(record.funders[:FUNDER_ROWS], start=1):
        initial[f"funder_{index}_name"] = funder.name
        initial[f"funder_{index}_level"] = funder.level
    lines: dict[str, list[str]] = {}
    for text in record.perimeter:
        kind, _, code = text.partition(":")
        lines.setdefault(kind, [])
        if code:
            lines[kind].append(code)
    initial["perimeter"] = "\n".join(
        " ".join([KIND_NAMES[kind], *codes])
        for kind, codes in sorted(lines.items(), key=lambda item: -perimeter.RANK[item[0]])
    )
    for name in (
        "amount_floor",
        "amount_ceiling",
        "rate_min",
        "rate_max",
    ):
        value = getattr(record, name)
        initial[name] = "" if value is None else format(value.normalize(), "f").replace(".", ",")
    for name in (
        "amount_note",
        "recurrence",
        "opens_on",
        "closes_on",
        "how_to_apply",
        "application_url",
        "contact",
        "source_url",
        "checked_on",
        "checked_by",
        "needs_check",
    ):
        initial[name] = getattr(record, name)
    for name in ("window_start", "window_end"):
        value = getattr(record, name)
        initial[name] = f"{value.day:02d}/{value.month:02d}" if value else ""
    initial["parent"] = scheme.parent_id
    return initial


def replace_status(record: SchemeRecord, status: str) -> SchemeRecord:
    return dataclasses.replace(record, status=status)
