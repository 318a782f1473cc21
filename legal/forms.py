from django import forms

from aiguillage.forms import PhoneField


class PageForm(forms.Form):
    body = forms.CharField(
        label="Texte de la page",
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Texte brut : une ligne vide sépare deux paragraphes. "
        "Laissez vide pour rétablir le texte par défaut.",
        error_messages={"max_length": "Le texte est trop long (30 000 caractères au plus)."},
    )


class HelpLineForm(forms.Form):
    phone = PhoneField(
        label="Numéro de la ligne d'aide",
        required=False,
        help_text="Vide : le numéro par défaut de la configuration (s'il y en a un).",
    )
    hours = forms.CharField(
        label="Horaires",
        required=False,
        max_length=300,
        help_text="En toutes lettres, par exemple « du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h ». "
        "Vide : les horaires par défaut.",
        error_messages={"max_length": "Ce texte est trop long (300 caractères au plus)."},
    )
