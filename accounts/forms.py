from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts import throttle
from accounts.models import Organisation, Role
from directory.models import Place


def _limits() -> tuple[throttle.Limit, throttle.Limit]:
    # Read at call time, so that settings changed in tests or by deployment apply.
    return (
        throttle.Limit("login-account", settings.LOGIN_THROTTLE_PER_ACCOUNT, settings.LOGIN_THROTTLE_WINDOW),
        throttle.Limit("login-ip", settings.LOGIN_THROTTLE_PER_IP, settings.LOGIN_THROTTLE_WINDOW),
    )


class LoginForm(AuthenticationForm):
    """Email and password, with failed attempts throttled per account and per IP address."""

    username = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Adresse ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "throttled": "Trop de tentatives de connexion. Pour votre sécurité, réessayez dans {minutes} minutes.",
    }

    def clean(self) -> dict:
        email = (self.cleaned_data.get("username") or "").lower()
        password = self.cleaned_data.get("password")
        account_limit, ip_limit = _limits()
        ip = throttle.client_ip(self.request) if self.request else ""
        if throttle.is_limited(account_limit, email) or (ip and throttle.is_limited(ip_limit, ip)):
            raise forms.ValidationError(
                self.error_messages["throttled"].format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW // 60)),
                code="throttled",
            )
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                throttle.hit(account_limit, email)
                if ip:
                    throttle.hit(ip_limit, ip)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.reset(account_limit, email)
        return self.cleaned_data


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


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique de la personne")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.all())
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    places = forms.ModelMultipleChoiceField(
        label="Lieux qu'elle gérera",
        queryset=Place.objects.public().select_related("commune"),
        required=False,
        help_text="Seulement pour un gestionnaire de lieu.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == Role.PLACE_MANAGER and not data.get("places"):
            self.add_error("places", "Choisissez au moins un lieu pour un gestionnaire de lieu.")
        if data.get("role") != Role.PLACE_MANAGER and data.get("places"):
            self.add_error("places", "Seul un gestionnaire de lieu gère des lieux.")
        return data
