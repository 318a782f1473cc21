from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.http import HttpRequest

from accounts import throttle
from accounts.models import Organisation, Role
from aiguillage.lib.text import normalize_name
from directory.models import Place


def login_limits() -> tuple[throttle.Limit, throttle.Limit]:
    # Read at call time, so that settings changed in tests or by deployment apply. Failed logins are counted per
    # account *and address* (so that someone elsewhere cannot lock a person out of their account) and per address.
    return (
        throttle.Limit(
            "login-account-ip", settings.LOGIN_THROTTLE_PER_ACCOUNT, settings.LOGIN_THROTTLE_WINDOW, fail_closed=True
        ),
        throttle.Limit("login-ip", settings.LOGIN_THROTTLE_PER_IP, settings.LOGIN_THROTTLE_WINDOW, fail_closed=True),
    )


class LoginForm(AuthenticationForm):
    """Email and password, with failed attempts throttled per account and address pair, and per address."""

    username = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Adresse ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "throttled": "Trop de tentatives de connexion. Pour votre sécurité, réessayez dans {minutes} minutes.",
        "unavailable": throttle.UNAVAILABLE_MESSAGE,
    }

    def clean(self) -> dict:
        email = (self.cleaned_data.get("username") or "").lower()
        password = self.cleaned_data.get("password")
        pair_limit, ip_limit = login_limits()
        ip = throttle.client_ip(self.request) if self.request else ""
        pair = f"{email}|{ip}"
        try:
            if throttle.is_limited(pair_limit, pair) or throttle.is_limited(ip_limit, ip):
                raise forms.ValidationError(
                    self.error_messages["throttled"].format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW // 60)),
                    code="throttled",
                )
            if email and password:
                self.user_cache = authenticate(self.request, username=email, password=password)
                if self.user_cache is None:
                    throttle.hit(pair_limit, pair)
                    throttle.hit(ip_limit, ip)
                    raise self.get_invalid_login_error()
                self.confirm_login_allowed(self.user_cache)
                throttle.reset(pair_limit, pair)
        except throttle.CacheUnavailable:
            self.user_cache = None
            raise forms.ValidationError(self.error_messages["unavailable"], code="unavailable") from None
        return self.cleaned_data


def _reset_limits() -> tuple[throttle.Limit, throttle.Limit]:
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW
    return (
        throttle.Limit("reset-account", settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT, window, fail_closed=True),
        throttle.Limit("reset-ip", settings.PASSWORD_RESET_THROTTLE_PER_IP, window, fail_closed=True),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """A reset link by email, a few times an hour at most per account and per address."""

    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Cette adresse n'est pas valide.",
        },
    )

    def check_limits(self, request: HttpRequest) -> bool:
        """Count this sending; False (with a French error on the form) when it goes over a limit."""
        email = self.cleaned_data["email"].lower()
        ip = throttle.client_ip(request)
        account_limit, ip_limit = _reset_limits()
        try:
            if throttle.is_limited(account_limit, email) or throttle.is_limited(ip_limit, ip):
                minutes = max(1, settings.PASSWORD_RESET_THROTTLE_WINDOW // 60)
                self.add_error(
                    None,
                    "Trop de demandes de nouveau mot de passe. Vérifiez votre boîte de réception (et les "
                    f"indésirables), ou réessayez dans {minutes} minutes.",
                )
                return False
            throttle.hit(account_limit, email)
            throttle.hit(ip_limit, ip)
        except throttle.CacheUnavailable:
            self.add_error(None, throttle.UNAVAILABLE_MESSAGE)
            return False
        return True


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code à six chiffres de votre application d'authentification",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": "Saisissez le code.", "invalid": "Le code a six chiffres."},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "")


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Votre nom", max_length=150)
    password1 = forms.CharField(
        label="Choisissez un mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères. Évitez un mot de passe trop courant.",
    )
    password2 = forms.CharField(
        label="Confirmez le mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


# From the least powerful to the most: nothing is chosen in advance, and each says what it allows.
ROLE_CHOICES = [
    (Role.PLACE_MANAGER, "Gestionnaire de lieu : tient à jour la fiche de ses lieux et répond aux demandes orientées"),
    (Role.MEDIATOR, "Médiateur : enregistre des demandes pour les personnes qu'il accompagne"),
    (Role.PARTNER, "Partenaire : suit la feuille de route et l'observatoire, propose des ressources"),
    (Role.COORDINATOR, "Coordinateur : tous les droits (demandes, annuaire, invitations)"),
]
PLACE_RESULTS = 20


def place_label(place: Place) -> str:
    return f"{place.name} ({place.commune.name})" if place.commune_id else place.name


def search_places(query: str, *, exclude: list[int] = ()) -> list[Place]:
    """Open places whose name or commune (or postcode) holds every word typed, accents and case aside."""
    words = normalize_name(query).split()
    if not words:
        return []
    places = Place.objects.public().select_related("commune").exclude(pk__in=exclude)
    for word in words:
        places = places.filter(
            Q(search_text__contains=word)
            | Q(commune__search_name__contains=word)
            | Q(postcode=word)
            | Q(commune__postcodes__contains=word)
        )
    return list(places.order_by("name", "pk")[: PLACE_RESULTS + 1])


class InvitationForm(forms.Form):
    """Who, in which organisation, with which role; a place manager's places are found by a search (no list of
    every place), which works without JavaScript: the "Chercher" button sends the form back with the results."""

    email = forms.EmailField(label="Adresse électronique de la personne")
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.all(), empty_label="Choisissez une organisation"
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le rôle de la personne."},
    )
    places = forms.ModelMultipleChoiceField(
        label="Lieux qu'elle gérera",
        queryset=Place.objects.public().select_related("commune"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place_search = forms.CharField(
        label="Chercher un lieu",
        required=False,
        max_length=100,
        help_text="Nom du lieu, de sa commune ou code postal.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        chosen_ids = self._chosen_ids()
        chosen = list(self.fields["places"].queryset.filter(pk__in=chosen_ids).order_by("name", "pk"))
        source = self.data if self.is_bound else self.initial
        self.search = str(source.get("place_search") or "").strip()[:100]
        found = search_places(self.search, exclude=chosen_ids) if self.search else []
        self.more_results = len(found) > PLACE_RESULTS
        self.results = found[:PLACE_RESULTS]
        # Only the chosen places and the results are offered, not every place of the directory.
        self.fields["places"].widget.choices = [(place.pk, place_label(place)) for place in chosen + self.results]
        self.chosen_count = len(chosen)

    def _chosen_ids(self) -> list[int]:
        raw = self.data.getlist("places") if self.is_bound else self.initial.get("places", [])
        return [int(value) for value in raw if str(value).isdigit()][:200]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == Role.PLACE_MANAGER and not data.get("places"):
            self.add_error("places", "Choisissez au moins un lieu pour un gestionnaire de lieu.")
        if data.get("role") != Role.PLACE_MANAGER and data.get("places"):
            self.add_error("places", "Seul un gestionnaire de lieu gère des lieux.")
        return data
