from decimal import Decimal, InvalidOperation

from django import forms

from accounts.models import Organisation
from funding.models import Scheme
from roadmap.actions import MAX_AMOUNT
from roadmap.models import ActionSheet, FundingStatus, SheetStatus, StepStatus


class SheetFieldsForm(forms.ModelForm):
    class Meta:
        model = ActionSheet
        fields = list(ActionSheet.EDITABLE_FIELDS)
        widgets = {
            field: forms.Textarea(attrs={"rows": 5}) for field in ActionSheet.EDITABLE_FIELDS if field != "title"
        }


class ProposalForm(SheetFieldsForm):
    explanation = forms.CharField(
        label="Pourquoi ce changement ?", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label="Votre commentaire", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note (obligatoire pour un refus)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="Nouvel état", choices=SheetStatus.choices)
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label="Valeur", max_digits=14, decimal_places=2)
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="Source", max_length=200)


class MoneyField(forms.Field):
    """An amount typed the French way ("1 500,50") or the other ("1500.50"); exact, as a Decimal."""

    def __init__(self, *, required: bool = True, **kwargs: object) -> None:
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(required=required, **kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> Decimal | None:
        text = str(value or "").strip()
        for character in ("\u202f", "\u00a0", " ", "€"):
            text = text.replace(character, "")
        text = text.replace(",", ".")
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError("Ce montant est trop long.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Écrivez un montant, par exemple 1500 ou 1 500,50.") from None
        if not number.is_finite() or number < 0:
            raise forms.ValidationError("Écrivez un montant positif.")
        if number > MAX_AMOUNT:
            raise forms.ValidationError("Ce montant est trop grand.")
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError("Deux chiffres après la virgule au plus.")
        return number

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _organisations():  # noqa: ANN202 - an Organisation queryset
    return Organisation.objects.order_by("name")


class StepForm(forms.Form):
    title = forms.CharField(label="Étape", max_length=300)
    start = forms.DateField(label="Début (facultatif)", required=False, widget=DATE)
    end = forms.DateField(label="Fin (facultatif)", required=False, widget=DATE)
    owner = forms.ModelChoiceField(
        label="Organisation qui la porte", queryset=_organisations(), required=False, empty_label="À désigner"
    )
    status = forms.ChoiceField(label="État", choices=StepStatus.choices, initial=StepStatus.PLANNED)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La fin vient avant le début.")
        return data


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(
        label="Année", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    expense = forms.CharField(label="Poste de dépense", max_length=200, help_text="Par exemple : matériel, formation.")
    amount = MoneyField(label="Montant (€)")


class FundingLineForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label="Dispositif du catalogue des financements",
        queryset=Scheme.objects.public().order_by("title"),
        required=False,
        empty_label="Aucun : dispositif hors catalogue",
    )
    funder = forms.CharField(
        label="Financeur",
        max_length=200,
        required=False,
        help_text="Rempli d'après le dispositif si vous le laissez vide.",
    )
    scheme_title = forms.CharField(label="Dispositif hors catalogue", max_length=300, required=False)
    amount_requested = MoneyField(label="Montant demandé (€)")
    amount_obtained = MoneyField(label="Montant obtenu (€)", required=False, help_text="Seulement s'il est obtenu.")
    status = forms.ChoiceField(label="État", choices=FundingStatus.choices, initial=FundingStatus.REQUESTED)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("scheme") and not (data.get("funder") or "").strip() and "funder" not in self.errors:
            self.add_error("funder", "Indiquez le financeur, ou choisissez un dispositif du catalogue.")
        return data


class SuggestedFundingForm(forms.Form):
    scheme = forms.ModelChoiceField(queryset=Scheme.objects.public())
    amount_requested = MoneyField(label="Montant demandé (€)")


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label="Organisation", queryset=_organisations())
    role = forms.CharField(label="Rôle (facultatif)", max_length=200, required=False)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=[("resource", "ressource"), ("event", "événement")])
    pk = forms.IntegerField(min_value=1)
    operation = forms.ChoiceField(choices=[("link", "lier"), ("unlink", "délier")])
