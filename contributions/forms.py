"""The public forms of contributions: who writes (and for which organisation), a claim, a decision."""

from django import forms

from accounts.models import OrganisationKind
from accounts.validators import normalize_siret, validate_rna, validate_siret
from directory.models import Place


class ContributorForm(forms.Form):
    """Who you are and your organisation: a SIRET or an RNA number, checked as accounts check them."""

    full_name = forms.CharField(label="Votre nom", max_length=150, error_messages={"required": "Indiquez votre nom."})
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Nous vous envoyons un lien pour la confirmer. Elle n'est pas publiée.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Cette adresse n'est pas valide.",
        },
    )
    organisation_name = forms.CharField(
        label="Nom de votre organisation",
        max_length=200,
        help_text="L'association, l'entreprise ou la collectivité qui fait vivre le lieu.",
        error_messages={"required": "Indiquez le nom de votre organisation."},
    )
    organisation_kind = forms.ChoiceField(
        label="C'est",
        choices=[("", "Choisir")] + list(OrganisationKind.choices),
        error_messages={
            "required": "Dites-nous ce qu'est votre organisation.",
            "invalid_choice": "Choisissez dans la liste.",
        },
    )
    siret = forms.CharField(
        label="Numéro SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres, sur vos factures ou sur annuaire-entreprises.data.gouv.fr.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rna = forms.CharField(
        label="Ou, pour une association, numéro RNA",
        required=False,
        max_length=12,
        help_text="W suivi de 9 chiffres, sur le récépissé de la préfecture.",
    )
    # Left empty by people; robots fill every field they find.
    site_web = forms.CharField(label="Ne pas remplir", required=False)

    def clean_siret(self) -> str:
        value = normalize_siret(self.cleaned_data["siret"])
        if value:
            validate_siret(value)
        return value

    def clean_rna(self) -> str:
        value = self.cleaned_data["rna"].strip().upper()
        if value:
            validate_rna(value)
        return value

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("siret") and not data.get("rna") and "siret" not in self.errors and "rna" not in self.errors:
            self.add_error(
                "siret", "Indiquez le SIRET de votre organisation, ou son numéro RNA si c'est une association."
            )
        return data

    def contributor(self) -> dict:
        """The fields a Proposal or a Claim keeps of the person and their organisation."""
        names = ("full_name", "email", "organisation_name", "organisation_kind", "siret", "rna")
        return {name: self.cleaned_data[name] for name in names}


class ClaimForm(ContributorForm):
    message = forms.CharField(
        label="Votre rôle dans le lieu (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « Je suis l'animatrice du fablab depuis 2022. »",
        error_messages={"max_length": "2 000 caractères au plus."},
    )


class NotDuplicateForm(forms.Form):
    not_duplicate = forms.BooleanField(
        label="Aucune de ces fiches n'est mon lieu : envoyer ma proposition",
        error_messages={
            "required": "Dites-nous si l'une de ces fiches est votre lieu, ou cochez la case pour envoyer."
        },
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus, envoyé à la personne",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Expliquez pourquoi vous refusez : la personne le lira."},
    )


class MergeForm(forms.Form):
    place = forms.ModelChoiceField(
        label="Numéro de la fiche existante",
        queryset=Place.objects.public(),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Le numéro dans l'adresse de sa page : /lieux/123-… pour la fiche 123.",
        error_messages={
            "required": "Indiquez la fiche à compléter.",
            "invalid_choice": "Aucune fiche ouverte ne porte ce numéro.",
        },
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label="Pourquoi vous opposez-vous à cette demande ?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Dites en quelques mots pourquoi vous vous opposez à cette demande."},
    )
