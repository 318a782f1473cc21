"""The library's forms. Field names of the public filters are the French query parameters people see in links."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from demandes.models import NeedCategory
from directory.models import Place, PlaceStatus, Term, Vocabulary
from library.actions.agenda import EventContent
from library.actions.resources import ResourceContent, Upload
from library.actions.sheets import SheetContent
from library.models import (
    Audience,
    EventKind,
    Language,
    Level,
    Licence,
    RegistrationMode,
    ReportKind,
    Resource,
    ResourceFormat,
    Theme,
)
from library.search import KINDS
from library.uploads import UploadRefused, check_upload

REQUIRED = {"required": "Ce champ est obligatoire."}


def _themes_field(**kwargs: object) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="Thèmes",
        queryset=Theme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un thème.", "invalid_choice": "Ce thème n'existe pas."},
        **kwargs,
    )


def _audiences_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="Publics visés",
        queryset=Audience.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Ce public n'existe pas."},
    )


def _needs_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="Besoins liés",
        queryset=NeedCategory.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Une demande qui exprime ce besoin verra cette ressource.",
        error_messages={"invalid_choice": "Ce besoin n'existe pas."},
    )


def territory_places() -> "forms.models.QuerySet":
    """Places offered in the forms: those of the served territory that are not closed for good."""
    return (
        Place.objects.exclude(status=PlaceStatus.CLOSED)
        .filter(commune__departement__code__in=settings.TERRITORY_DEPARTEMENTS)
        .select_related("commune")
        .order_by("name", "pk")
    )


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name} ({obj.commune.name})"


class PlaceMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name} ({obj.commune.name})"


class ResourceForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200, error_messages=REQUIRED)
    summary = forms.CharField(
        label="Résumé",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="En deux ou trois phrases : à quoi sert la ressource, pour qui.",
        error_messages={**REQUIRED, "max_length": "Le résumé est trop long (500 caractères au plus)."},
    )
    url = forms.URLField(
        label="Lien",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="L'adresse de la ressource sur internet. Ou bien joignez un fichier ci-dessous.",
        error_messages={"invalid": "Cette adresse n'est pas valable (elle commence par https://)."},
    )
    file = forms.FileField(
        label="Fichier",
        required=False,
        help_text="PDF, document ODT ou image (PNG, JPEG, WebP).",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.png,.jpg,.jpeg,.webp"}),
    )
    description = forms.CharField(
        label="Présentation détaillée", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    author_credit = forms.CharField(label="Auteur ou source", required=False, max_length=200)
    licence = forms.ChoiceField(label="Licence", choices=Licence.choices, initial=Licence.ETALAB_2)
    format = forms.ChoiceField(label="Format", choices=ResourceFormat.choices)
    level = forms.ChoiceField(label="Niveau", choices=Level.choices)
    language = forms.ChoiceField(label="Langue", choices=Language.choices, initial=Language.FRENCH)
    easy_read = forms.BooleanField(label="Écrite en facile à lire et à comprendre (FALC)", required=False)
    themes = _themes_field()
    audiences = _audiences_field()
    accessibility = forms.ModelMultipleChoiceField(
        label="Besoins d'accessibilité auxquels elle répond",
        queryset=Term.objects.filter(vocabulary=Vocabulary.ACCESSIBILITY),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    need_categories = _needs_field()
    places = PlaceMultipleChoiceField(
        label="Lieux où l'essayer",
        queryset=Place.objects.none(),
        required=False,
        help_text="Les lieux de l'annuaire où l'on peut voir ou essayer ce dont parle la ressource.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: object, instance: Resource | None = None, **kwargs: object) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    name: getattr(instance, name)
                    for name in ResourceContent.__dataclass_fields__
                    if hasattr(instance, name)
                },
                "themes": list(instance.themes.all()),
                "audiences": list(instance.audiences.all()),
                "accessibility": list(instance.accessibility.all()),
                "places": list(instance.places.all()),
                "need_categories": list(instance.need_categories.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["places"].queryset = territory_places()
        self.upload: Upload | None = None
        if instance is not None and instance.file:
            self.fields["file"].help_text = (
                f"Fichier actuel : {instance.file_name}. Joignez-en un autre pour le remplacer, "
                "ou donnez un lien à la place."
            )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        max_bytes = settings.LIBRARY_MAX_UPLOAD_MB * 1024 * 1024
        if uploaded.size > max_bytes:
            raise forms.ValidationError(
                f"Le fichier est trop lourd : {settings.LIBRARY_MAX_UPLOAD_MB} Mo au plus.", code="too_large"
            )
        data = uploaded.read()
        try:
            checked = check_upload(data, uploaded.name, max_bytes=max_bytes)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused), code="refused") from None
        self.upload = Upload(checked=checked, data=data)
        return uploaded

    def clean(self) -> dict:
        data = super().clean()
        has_file = self.upload is not None or "file" in self.errors
        has_existing = self.instance is not None and bool(self.instance.file)
        if data.get("url") and self.upload is not None:
            self.add_error("url", "Donnez un lien ou un fichier, pas les deux.")
        elif not data.get("url") and not has_file and not has_existing and "url" not in self.errors:
            self.add_error("url", "Donnez un lien ou joignez un fichier.")
        return data

    def content(self) -> ResourceContent:
        data = self.cleaned_data
        return ResourceContent(
            title=data["title"],
            summary=data["summary"],
            themes=list(data["themes"]),
            url=data["url"],
            upload=self.upload,
            description=data["description"],
            licence=data["licence"],
            author_credit=data["author_credit"],
            format=data["format"],
            level=data["level"],
            easy_read=data["easy_read"],
            language=data["language"],
            audiences=list(data["audiences"]),
            accessibility=list(data["accessibility"]),
            places=list(data["places"]),
            need_categories=list(data["need_categories"]),
            keep_file=self.instance is not None and bool(self.instance.file),
        )


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    theme = forms.ModelChoiceField(
        label="Thème",
        queryset=Theme.objects.filter(active=True),
        required=False,
        to_field_name="code",
        empty_label="Tous",
    )
    public = forms.ModelChoiceField(
        label="Public", queryset=Audience.objects.all(), required=False, to_field_name="code", empty_label="Tous"
    )
    format = forms.ChoiceField(label="Format", choices=[("", "Tous"), *ResourceFormat.choices], required=False)
    falc = forms.BooleanField(label="Facile à lire (FALC) seulement", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("theme", "public", "format"):
            self.fields[name].error_messages["invalid_choice"] = "Ce choix n'existe pas dans la liste."


class SearchForm(ResourceFilterForm):
    type = forms.ChoiceField(label="Chercher dans", choices=[("", "Tout"), *KINDS.items()], required=False)

    field_order = ["q", "type", "theme", "public", "format", "falc"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].error_messages["invalid_choice"] = "Ce choix n'existe pas dans la liste."


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Ce qui ne va pas", choices=ReportKind.choices, widget=forms.RadioSelect, error_messages=REQUIRED
    )
    message = forms.CharField(
        label="Précisez",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Par exemple : la démarche a changé, le lien ne mène plus nulle part.",
        error_messages={
            "required": "Dites-nous ce qui ne va pas.",
            "min_length": "Donnez un peu plus de détails (10 caractères au moins).",
            "max_length": "Votre message est trop long (2 000 caractères au plus).",
        },
    )
    contact = forms.CharField(
        label="Votre courriel (facultatif)",
        required=False,
        max_length=200,
        help_text="Seulement si vous voulez une réponse. Il ne sera pas publié.",
    )
    site_web = forms.CharField(label="Ne pas remplir", required=False)


class ModerationNoteForm(forms.Form):
    note = forms.CharField(label="Note (facultatif)", required=False, max_length=300)


class HandleReportForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("resolved", "Corrigé"), ("dismissed", "Écarté")], error_messages=REQUIRED)
    response = forms.CharField(
        label="Réponse", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CollectionForm(forms.Form):
    title = forms.CharField(label="Titre de la collection", max_length=200, error_messages=REQUIRED)
    description = forms.CharField(
        label="Présentation", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(label="Collection publique (tout le monde peut la voir)", required=False)
    by_coordination = forms.BooleanField(label="Collection de la coordination", required=False)

    def __init__(self, *args: object, moderator: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not moderator:
            del self.fields["by_coordination"]


class AddToCollectionForm(forms.Form):
    collection = forms.ModelChoiceField(
        label="Ajouter à ma collection", queryset=None, empty_label=None, error_messages=REQUIRED
    )
    note = forms.CharField(label="Note (facultatif)", required=False, max_length=300)

    def __init__(self, *args: object, collections: "forms.models.QuerySet", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = collections
        self.fields["collection"].error_messages["invalid_choice"] = "Choisissez une de vos collections."


class PostForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200, error_messages=REQUIRED)
    url = forms.URLField(
        label="Lien",
        max_length=500,
        assume_scheme="https",
        error_messages={**REQUIRED, "invalid": "Cette adresse n'est pas valable (elle commence par https://)."},
    )
    why = forms.CharField(
        label="Pourquoi c'est utile",
        min_length=20,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Quelques lignes pour les autres membres : ce que ça change, pour qui, ce qu'il faut en retenir.",
        error_messages={
            **REQUIRED,
            "min_length": "Dites en quelques mots pourquoi c'est utile (20 caractères au moins).",
            "max_length": "Restez bref : 1 000 caractères au plus.",
        },
    )
    themes = _themes_field()


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre commentaire",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**REQUIRED, "max_length": "2 000 caractères au plus."},
    )


class EventForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200, error_messages=REQUIRED)
    kind = forms.ChoiceField(label="Nature", choices=EventKind.choices)
    description = forms.CharField(
        label="Présentation", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), error_messages=REQUIRED
    )
    day = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**REQUIRED, "invalid": "Cette date n'est pas valable (jour/mois/année)."},
    )
    start = forms.TimeField(
        label="Heure de début",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={**REQUIRED, "invalid": "Cette heure n'est pas valable (par exemple 14:00)."},
    )
    end = forms.TimeField(
        label="Heure de fin",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={**REQUIRED, "invalid": "Cette heure n'est pas valable (par exemple 16:30)."},
    )
    end_day = forms.DateField(
        label="Date de fin, si l'événement dure plusieurs jours",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Cette date n'est pas valable (jour/mois/année)."},
    )
    place = PlaceChoiceField(
        label="Lieu de l'annuaire",
        queryset=Place.objects.none(),
        required=False,
        empty_label="Aucun (en ligne ou ailleurs)",
    )
    location_note = forms.CharField(
        label="Précisions sur le lieu",
        required=False,
        max_length=250,
        help_text="Salle, étage, ou adresse hors annuaire.",
    )
    online = forms.BooleanField(label="En ligne (visioconférence)", required=False)
    online_url = forms.URLField(
        label="Lien de la visioconférence", required=False, max_length=500, assume_scheme="https"
    )
    audiences = _audiences_field()
    themes = _themes_field(required=False)
    registration = forms.ChoiceField(
        label="Inscription", choices=RegistrationMode.choices, widget=forms.RadioSelect, initial=RegistrationMode.NONE
    )
    registration_url = forms.URLField(label="Lien d'inscription", required=False, max_length=500, assume_scheme="https")
    capacity = forms.IntegerField(
        label="Nombre de places",
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Au-delà, les personnes sont inscrites sur une liste d'attente. Vide : sans limite.",
        error_messages={"min_value": "Au moins une place.", "invalid": "Donnez un nombre."},
    )
    resources = forms.ModelMultipleChoiceField(
        label="Ressources liées",
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: object, instance: object = None, **kwargs: object) -> None:
        if instance is not None and "initial" not in kwargs:
            starts, ends = timezone.localtime(instance.starts_at), timezone.localtime(instance.ends_at)
            kwargs["initial"] = {
                "title": instance.title,
                "kind": instance.kind,
                "description": instance.description,
                "day": starts.date(),
                "start": starts.time(),
                "end": ends.time(),
                "end_day": ends.date() if ends.date() != starts.date() else None,
                "place": instance.place,
                "location_note": instance.location_note,
                "online": instance.online,
                "online_url": instance.online_url,
                "audiences": list(instance.audiences.all()),
                "themes": list(instance.themes.all()),
                "registration": instance.registration,
                "registration_url": instance.registration_url,
                "capacity": instance.capacity,
                "resources": list(instance.resources.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = territory_places()
        self.fields["resources"].queryset = Resource.objects.published().order_by("title")
        self.fields["place"].error_messages["invalid_choice"] = "Ce lieu n'existe pas dans l'annuaire."

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            starts = timezone.make_aware(dt.datetime.combine(day, start))
            ends = timezone.make_aware(dt.datetime.combine(data.get("end_day") or day, end))
            if ends <= starts:
                self.add_error("end", "La fin doit venir après le début.")
            data["starts_at"], data["ends_at"] = starts, ends
        if not data.get("place") and not data.get("online") and not data.get("location_note"):
            self.add_error("place", "Dites où a lieu l'événement : un lieu de l'annuaire, une adresse, ou en ligne.")
        if data.get("registration") == RegistrationMode.LINK and not data.get("registration_url"):
            self.add_error("registration_url", "Donnez le lien d'inscription.")
        return data

    def content(self) -> EventContent:
        data = self.cleaned_data
        return EventContent(
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            location_note=data["location_note"],
            online=data["online"],
            online_url=data["online_url"],
            registration=data["registration"],
            registration_url=data["registration_url"],
            capacity=data["capacity"],
            audiences=list(data["audiences"]),
            themes=list(data["themes"]),
            resources=list(data["resources"]),
        )


class RegistrationForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=150, error_messages=REQUIRED)
    email = forms.EmailField(
        label="Votre courriel",
        help_text="Pour vous confirmer l'inscription et vous prévenir d'un changement.",
        error_messages={**REQUIRED, "invalid": "Cette adresse n'est pas valable."},
    )
    site_web = forms.CharField(label="Ne pas remplir", required=False)


class SheetForm(forms.Form):
    question = forms.CharField(label="La question", max_length=200, error_messages=REQUIRED)
    summary = forms.CharField(
        label="En bref", max_length=400, widget=forms.Textarea(attrs={"rows": 2}), error_messages=REQUIRED
    )
    body = forms.CharField(
        label="La réponse",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Des phrases courtes. Une ligne qui commence par « - » devient un point de liste. "
        "La fiche imprimée tient sur une page : restez bref.",
        error_messages={
            **REQUIRED,
            "max_length": "La réponse est trop longue pour une page (3 000 caractères au plus).",
        },
    )
    next_step = forms.CharField(label="Et ensuite ?", required=False, max_length=300)
    themes = _themes_field()
    need_categories = _needs_field()
    resources = forms.ModelMultipleChoiceField(
        label="Ressources liées",
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: object, instance: object = None, **kwargs: object) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "question": instance.question,
                "summary": instance.summary,
                "body": instance.body,
                "next_step": instance.next_step,
                "themes": list(instance.themes.all()),
                "need_categories": list(instance.need_categories.all()),
                "resources": list(instance.resources.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.published().order_by("title")
        self.fields[
            "need_categories"
        ].help_text = "Les lieux qui répondent à ces besoins sont proposés sur la fiche imprimée."

    def content(self) -> SheetContent:
        data = self.cleaned_data
        return SheetContent(
            question=data["question"],
            summary=data["summary"],
            body=data["body"],
            next_step=data["next_step"],
            themes=list(data["themes"]),
            need_categories=list(data["need_categories"]),
            resources=list(data["resources"]),
        )


class NearbyForm(forms.Form):
    ou = forms.CharField(label="Commune de la personne", required=False, max_length=100)
    commune = forms.RegexField(regex=r"^(\d{2}|2[AaBb])\d{3}$", required=False)
