from django import forms

from roadmap.models import ActionSheet, SheetStatus


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
