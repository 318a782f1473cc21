from django import forms


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
