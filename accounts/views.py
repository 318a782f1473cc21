from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import login as otp_login

from accounts import invitations, proconnect, two_factor
from accounts.forms import AcceptInvitationForm, CodeForm, InvitationForm, LoginForm, PasswordResetForm
from accounts.models import Invitation, User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict:
        return {**super().get_context_data(**kwargs), "proconnect": proconnect.enabled()}

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        if not two_factor.needs_code(user):
            return super().form_valid(form)
        # The password is right; the login completes only with the code of the person's authenticator app.
        self.request.session.cycle_key()
        self.request.session[two_factor.PENDING_USER] = user.pk
        self.request.session[two_factor.PENDING_BACKEND] = user.backend
        self.request.session[two_factor.PENDING_NEXT] = self.get_success_url()
        return redirect("accounts:login_code")


@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Second step of the login: the six-digit code of the authenticator app."""
    user = User.objects.filter(pk=request.session.get(two_factor.PENDING_USER), is_active=True).first()
    device = two_factor.confirmed_device(user) if user else None
    if user is None or device is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error(None, "Trop de codes faux : attendez quelques minutes avant de réessayer.")
        elif device.verify_token(form.cleaned_data["code"]):
            target = request.session.get(two_factor.PENDING_NEXT) or reverse("accounts:home")
            login(request, user, backend=request.session.get(two_factor.PENDING_BACKEND))
            otp_login(request, device)
            return redirect(target)
        else:
            form.add_error("code", "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez.")
    return render(request, "accounts/login_code.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on the second factor: scan the QR code (or type the key), then confirm with a first code."""
    user = request.user
    if two_factor.has_device(user):
        return render(request, "accounts/two_factor.html", {"active": True, "required": two_factor.must_use(user)})
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(
                request, "La double authentification est activée : un code vous sera demandé à chaque connexion."
            )
            return redirect("accounts:home")
        form.add_error("code", "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez.")
    context = {
        "active": False,
        "required": two_factor.must_use(user),
        "form": form,
        "qr": two_factor.qr_svg(device),
        "secret": two_factor.secret_for_typing(device),
    }
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # A session opened through ProConnect ends there too, so that the next person at a shared computer
        # does not find the agent still signed in at ProConnect.
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and proconnect.enabled():
            return redirect(proconnect.logout_url(request, id_token))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not form.check_limits(self.request):
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The administration has no login of its own: the site's (throttled, with its second factor) serves it."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    return redirect_to_login(target, login_url=reverse("accounts:login"))


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "memberships": user.memberships.select_related("organisation"),
        "places": user.managed_places.select_related("commune").order_by("name"),
    }
    return render(request, "accounts/home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def invite(request: HttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied
    searching = request.method == "POST" and request.POST.get("action") == "search"
    if searching:
        # "Chercher" sends the whole form back: what was typed and ticked is kept, nothing is checked or sent yet.
        initial = {name: request.POST.get(name, "") for name in ("email", "organisation", "role", "place_search")}
        form = InvitationForm(initial={**initial, "places": request.POST.getlist("places")})
    else:
        form = InvitationForm(request.POST or None)
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        invitations.invite(
            email=data["email"],
            organisation=data["organisation"],
            role=data["role"],
            places=list(data["places"]),
            invited_by=request.user,
        )
        messages.success(request, f"Invitation envoyée à {data['email']}.")
        return redirect("accounts:invite")
    pending = Invitation.objects.pending().select_related("organisation", "invited_by")[:50]
    context = {"form": form, "pending": pending, "days": settings.INVITATION_MAX_AGE_DAYS, "searching": searching}
    return render(request, "accounts/invite.html", context, status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.read_token(token)
    except invitations.InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"message": str(error)}, status=400)

    user = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            if user is not None:
                invitations.accept(invitation=invitation, user=user)
            else:
                user = invitations.accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except invitations.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"message": str(error)}, status=400)
        messages.success(request, f"Bienvenue ! Vous faites maintenant partie de {invitation.organisation}.")
        return redirect("accounts:home")
    context = {
        "invitation": invitation,
        "form": form,
        "login_url": reverse("accounts:login") + "?next=" + request.path,
    }
    return render(request, "accounts/accept_invitation.html", context, status=400 if form.errors else 200)
