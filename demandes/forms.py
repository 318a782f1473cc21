from django import forms
from django.core.validators import validate_email

from aiguillage.forms import PhoneField
from aiguillage.lib.phone import PhoneError, normalize_phone
from demandes.models import Audience, NeedCategory, Outcome, Reason, ReasonKind
from directory.models import Term, Vocabulary
from territory.models import Commune
from territory.served import choose_commune, outside_message
from territory.served import label as served_label


class TermChoices(forms.ModelMultipleChoiceField):
    """Terms ticked in a list of checkboxes, as a list: none ticked is an empty list, not a query compiled each
    time it is read to find nothing."""

    def clean(self, value: object) -> list[Term]:
        if not value and not self.required:
            return []
        return list(super().clean(value))


def _checkboxes(vocabulary: str, label: str) -> TermChoices:
    return TermChoices(
        label=label,
        queryset=Term.objects.of(vocabulary),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Ce choix n'existe pas dans la liste."},
    )


class RequestForm(forms.Form):
    """The few questions we ask anyone who brings a need."""

    description = forms.CharField(
        label="De quoi avez-vous besoin ?",
        min_length=3,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Avec vos mots. Par exemple : « imprimer une pièce en 3D », « comprendre l'intelligence "
        "artificielle », « faire ma déclaration de revenus en ligne ».",
        error_messages={
            "required": "Décrivez votre besoin en quelques mots.",
            "min_length": "Décrivez votre besoin en quelques mots.",
            "max_length": "Votre description est trop longue (5 000 caractères au plus).",
        },
    )
    commune = forms.CharField(
        label="Votre commune",
        max_length=100,
        help_text="Nom de la commune ou code postal.",
        error_messages={"required": "Indiquez votre commune : nous cherchons un lieu près de chez vous."},
    )
    audience = forms.ChoiceField(
        label="Vous êtes",
        choices=Audience.choices,
        initial=Audience.INDIVIDUAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Dites-nous qui vous êtes.", "invalid_choice": "Choisissez dans la liste."},
    )
    situations = _checkboxes(Vocabulary.SITUATION, "Votre situation, si vous le souhaitez")
    quantity = forms.IntegerField(
        label="Combien de pièces, s'il y a quelque chose à fabriquer ?",
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "invalid": "Indiquez un nombre.",
            "min_value": "Indiquez au moins 1.",
            "max_value": "Ce nombre est trop grand.",
        },
    )
    accessibility_needs = _checkboxes(Vocabulary.ACCESSIBILITY, "Avez-vous besoin d'un accueil adapté ?")
    contact_name = forms.CharField(label="Votre nom (facultatif)", required=False, max_length=150)
    contact_email = forms.EmailField(
        label="Votre courriel",
        required=False,
        error_messages={"invalid": "Cette adresse électronique n'est pas valide."},
    )
    contact_phone = PhoneField(label="Votre téléphone", required=False)
    consent = forms.BooleanField(
        label="J'accepte que mes coordonnées soient transmises au lieu qui m'aidera et conservées le temps de "
        "traiter ma demande (24 mois au plus après sa clôture).",
        error_messages={"required": "Sans votre accord, nous ne pouvons pas vous recontacter."},
    )
    # Left empty by people; robots fill every field they find.
    site_web = forms.CharField(label="Ne pas remplir", required=False)

    NO_CONTACT = "Laissez un courriel ou un téléphone pour que l'on puisse vous répondre."
    # The mediator's form speaks of the person it is filled for.
    for_mediator = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Communes to offer when the one typed could be several ("Voulez-vous dire… ?").
        self.commune_choices: list[Commune] = []

    def clean_commune(self) -> Commune:
        value = self.cleaned_data["commune"]
        choice = choose_commune(value)
        if choice.ambiguous:
            self.commune_choices = choice.candidates
            names = ", ".join(served_label(commune) for commune in choice.candidates)
            raise forms.ValidationError(
                f"Voulez-vous dire : {names} ? Choisissez votre commune ci-dessous, ou précisez le code postal.",
                code="ambiguous",
            )
        if choice.commune is None:
            raise forms.ValidationError(f"Nous ne trouvons pas la commune « {value} ». Essayez le code postal.")
        outside = outside_message(choice.commune)
        if outside:
            raise forms.ValidationError(outside, code="outside")
        return choice.commune

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("contact_email") and not data.get("contact_phone") and "contact_email" not in self.errors:
            self.add_error("contact_email", self.NO_CONTACT)
        data["quantity"] = data.get("quantity") or 1
        return data


class LostLinkForm(forms.Form):
    """Someone lost the link to follow their request: the email or phone they left is enough."""

    contact = forms.CharField(
        label="Le courriel ou le téléphone laissé avec votre demande",
        max_length=254,
        error_messages={"required": "Indiquez votre courriel ou votre téléphone."},
    )
    # Left empty by people; robots fill every field they find.
    site_web = forms.CharField(label="Ne pas remplir", required=False)

    def clean_contact(self) -> str:
        value = " ".join(self.cleaned_data["contact"].split())
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError("Cette adresse électronique n'est pas valide.") from None
            return value.lower()
        try:
            return normalize_phone(value)
        except PhoneError:
            raise forms.ValidationError(
                "Indiquez une adresse électronique ou un numéro de téléphone valide (par exemple 03 86 12 34 56)."
            ) from None


BLANK_FIELDS_KEY = "demandes:blank-request-fields"


def blank_request_fields() -> str:
    """The public form's fields as a first visit shows them (nothing typed), rendered once per version of the
    vocabularies: the checkboxes of situations and accessibility needs were most of the page's time."""
    from django.template.loader import render_to_string

    from aiguillage import memo

    def render() -> str:
        return render_to_string("demandes/includes/request_fields.html", {"form": RequestForm()})

    return memo.get_or_set(BLANK_FIELDS_KEY, render, timeout=3600)


def forget_blank_fields(**kwargs: object) -> None:
    from aiguillage import memo

    memo.forget(BLANK_FIELDS_KEY)


class MediatorRequestForm(RequestForm):
    """A mediator records a need on someone's behalf, after a call or a visit: the form speaks of "la personne"."""

    WORDING = {
        "description": (
            "De quoi la personne a-t-elle besoin ?",
            "Avec ses mots. Par exemple : « imprimer une pièce en 3D », « comprendre l'intelligence artificielle », "
            "« faire sa déclaration de revenus en ligne ».",
        ),
        "commune": ("Sa commune", "Nom de la commune où elle habite, ou code postal."),
        "audience": ("La personne est", ""),
        "situations": ("Sa situation, si elle le souhaite", ""),
        "accessibility_needs": ("A-t-elle besoin d'un accueil adapté ?", ""),
        "contact_name": ("Son nom (facultatif)", ""),
        "contact_email": ("Son courriel", ""),
        "contact_phone": ("Son téléphone", ""),
    }
    ERRORS = {
        "description": {
            "required": "Décrivez son besoin en quelques mots.",
            "min_length": "Décrivez son besoin en quelques mots.",
        },
        "commune": {"required": "Indiquez la commune de la personne : nous cherchons un lieu près de chez elle."},
        "audience": {"required": "Dites qui est la personne."},
    }
    NO_CONTACT = "Notez un courriel ou un téléphone de la personne pour que le lieu puisse la joindre."
    for_mediator = True

    consent = forms.BooleanField(
        label="La personne accepte que ses coordonnées soient transmises au lieu qui l'aidera.",
        error_messages={"required": "Demandez l'accord de la personne avant d'enregistrer ses coordonnées."},
    )
    note = forms.CharField(
        label="Note pour la coordination (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.WORDING.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        for name, messages in self.ERRORS.items():
            self.fields[name].error_messages.update(messages)


class RequesterDetailForm(forms.Form):
    """Something the person wants to add to their request, from the tracking page."""

    detail = forms.CharField(
        label="Ajouter une précision",
        min_length=3,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : un moment où vous êtes disponible, un autre numéro, un détail sur votre besoin.",
        error_messages={
            "required": "Écrivez la précision à ajouter.",
            "min_length": "Écrivez la précision à ajouter.",
            "max_length": "Votre précision est trop longue (2 000 caractères au plus).",
        },
    )


class CancelForm(forms.Form):
    """The person no longer needs help."""

    confirm = forms.BooleanField(
        label="Je n'ai plus besoin d'aide pour cette demande.",
        error_messages={"required": "Cochez la case pour confirmer l'annulation."},
    )
    reason = forms.CharField(
        label="Pourquoi ? (facultatif)",
        required=False,
        max_length=500,
        help_text="Par exemple : « j'ai trouvé de l'aide ailleurs ». Cela nous aide à mieux faire.",
        error_messages={"max_length": "Ce texte est trop long (500 caractères au plus)."},
    )


class NeedsForm(forms.Form):
    needs = forms.ModelMultipleChoiceField(
        label="Besoins",
        queryset=NeedCategory.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OrientForm(forms.Form):
    places = forms.ModelMultipleChoiceField(
        label="Lieux",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un lieu."},
    )
    note = forms.CharField(label="Message aux lieux (facultatif)", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, places: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["places"].queryset = places


class PlaceSearchForm(forms.Form):
    """The coordinator looks for any open place, by its name or its commune, to orient a request to it."""

    lieu = forms.CharField(
        label="Nom du lieu ou commune",
        max_length=100,
        required=False,
        error_messages={"max_length": "Tapez au plus 100 caractères."},
    )


class PhonedForm(forms.Form):
    note = forms.CharField(label="Ce que le lieu a dit (facultatif)", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "La note est vide."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Suivie par", queryset=None, required=False, empty_label="Personne")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, people: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Issue", choices=Outcome.choices)
    reason = forms.ModelChoiceField(
        label="Motif", queryset=Reason.objects.filter(kind=ReasonKind.CLOSURE, active=True), required=False
    )
    note = forms.CharField(label="Précisions (facultatif)", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    """A place answers an orientation: accept, decline with a reason, or later say how it ended."""

    action = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline"), ("finish", "finish")])
    reason = forms.ModelChoiceField(
        label="Motif du refus",
        queryset=Reason.objects.filter(kind=ReasonKind.DECLINE, active=True),
        required=False,
        empty_label="Choisir un motif",
    )
    outcome = forms.ChoiceField(
        label="Comment cela s'est-il terminé ?", choices=[("", "Choisir")] + Outcome.choices, required=False
    )
    note = forms.CharField(
        label="Message (facultatif)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "decline" and not data.get("reason"):
            self.add_error("reason", "Choisissez le motif du refus.")
        if data.get("action") == "finish" and not data.get("outcome"):
            self.add_error("outcome", "Dites comment cela s'est terminé.")
        return data


class QueueFilterForm(forms.Form):
    AGES = [("", "Toutes"), ("7", "Moins de 7 jours"), ("30", "Moins de 30 jours"), ("old", "Plus de 30 jours")]

    statut = forms.ChoiceField(label="État", required=False)
    besoin = forms.ModelChoiceField(
        label="Besoin", queryset=NeedCategory.objects.all(), required=False, to_field_name="code"
    )
    epci = forms.CharField(label="Intercommunalité (code SIREN)", required=False, max_length=9)
    age = forms.ChoiceField(label="Reçue depuis", choices=AGES, required=False)
    suivi = forms.ChoiceField(
        label="Suivi", choices=[("", "Tous"), ("moi", "Suivies par moi"), ("personne", "Sans suivi")], required=False
    )
    non_couvert = forms.BooleanField(label="Besoins non couverts seulement", required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: object, epcis: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from demandes.models import Status

        self.fields["statut"].choices = [("", "Ouvertes"), ("all", "Toutes"), *Status.choices]
        self.fields["epci"] = forms.ChoiceField(
            label="Intercommunalité", choices=[("", "Toutes"), *epcis], required=False
        )
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Ce choix n'existe pas dans la liste."
