from django import forms

from directory.models import Term, Vocabulary

RADIUS_CHOICES = [("10", "10 km"), ("20", "20 km"), ("30", "30 km"), ("50", "50 km"), ("100", "100 km")]
FILTER_FIELDS = {
    "type": Vocabulary.TYPOLOGY,
    "service": Vocabulary.SERVICE,
    "equipement": Vocabulary.EQUIPMENT,
    "public": Vocabulary.AUDIENCE,
    "accessibilite": Vocabulary.ACCESSIBILITY,
}


class SearchForm(forms.Form):
    """The public search. Field names are the French query parameters people see in links."""

    q = forms.CharField(label="De quoi avez-vous besoin ?", required=False, max_length=200)
    ou = forms.CharField(label="Où ?", required=False, max_length=100)
    rayon = forms.TypedChoiceField(
        label="Distance", choices=RADIUS_CHOICES, required=False, coerce=int, empty_value=None
    )
    type = forms.ChoiceField(label="Type de lieu", required=False)
    service = forms.ChoiceField(label="Service", required=False)
    equipement = forms.ChoiceField(label="Équipement", required=False)
    public = forms.ChoiceField(label="Accueille", required=False)
    accessibilite = forms.ChoiceField(label="Accessibilité", required=False)
    ouvert = forms.BooleanField(label="Ouvert maintenant", required=False)
    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=10_000)

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
        self.fields["rayon"].error_messages["invalid_choice"] = "Choisissez une distance de la liste."
        self.fields["page"].error_messages["invalid"] = "Le numéro de page doit être un nombre."
        self.fields["page"].error_messages["min_value"] = "Le numéro de page commence à 1."
        self.fields["page"].error_messages["max_value"] = "Ce numéro de page est trop grand."
        self.fields["q"].error_messages["max_length"] = "Décrivez votre besoin en 200 caractères au plus."
        self.fields["ou"].error_messages["max_length"] = "Le nom de la commune est trop long."

    def vocabulary_filters(self) -> dict[str, str]:
        return {
            vocabulary: self.cleaned_data[name]
            for name, vocabulary in FILTER_FIELDS.items()
            if self.cleaned_data.get(name)
        }
