"""'Signaler une erreur' for anyone, and the coordinators' moderation queue."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import throttle
from aiguillage.lib.phone import PhoneError, normalize_phone
from directory import reports
from directory.access import get_report_for_coordinator, require_coordinator
from directory.models import ErrorReport, Place, ReportStatus


class ReportForm(forms.Form):
    message = forms.CharField(
        label="Qu'est-ce qui ne va pas ?",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Par exemple : les horaires ont changé, le lieu a déménagé, le numéro ne répond plus.",
        error_messages={
            "required": "Dites-nous ce qui ne va pas.",
            "min_length": "Donnez un peu plus de détails (10 caractères au moins).",
            "max_length": "Votre message est trop long (2 000 caractères au plus).",
        },
    )
    contact = forms.CharField(
        label="Votre courriel ou téléphone (facultatif)",
        required=False,
        max_length=200,
        help_text="Seulement si vous voulez une réponse. Il ne sera pas publié.",
        error_messages={"max_length": "Ce contact est trop long."},
    )
    # Left empty by people; robots fill every field they find.
    site_web = forms.CharField(label="Ne pas remplir", required=False)

    def clean_contact(self) -> str:
        value = " ".join(self.cleaned_data["contact"].split())
        if not value:
            return ""
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


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("apply", "apply"), ("reject", "reject"), ("forward", "forward")])
    response = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("response") or "").strip():
            self.add_error("response", "Expliquez pourquoi le signalement est rejeté.")
        return data


def _report_limit() -> throttle.Limit:
    return throttle.Limit("error-report-ip", settings.REPORT_THROTTLE_PER_IP, settings.REPORT_THROTTLE_WINDOW)


@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.select_related("commune"), pk=pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        if throttle.is_limited(_report_limit(), ip):
            form.add_error(None, "Vous avez envoyé beaucoup de signalements. Réessayez dans une heure.")
            status = 429
        elif form.is_valid():
            throttle.hit(_report_limit(), ip)
            if not form.cleaned_data["site_web"]:
                reports.submit_report(
                    place=place, message=form.cleaned_data["message"], contact=form.cleaned_data["contact"]
                )
            return render(request, "directory/report_thanks.html", {"place": place})
        else:
            status = 400
    return render(request, "directory/report_form.html", {"place": place, "form": form}, status=status)


@require_http_methods(["GET", "HEAD"])
@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    pending = ErrorReport.objects.pending().select_related("place__commune", "handled_by").order_by("created_at")
    recent = (
        ErrorReport.objects.filter(status__in=[ReportStatus.APPLIED, ReportStatus.REJECTED])
        .select_related("place", "handled_by")
        .order_by("-handled_at")[:20]
    )
    return render(request, "directory/coordination/reports.html", {"pending": pending, "recent": recent})


@require_POST
@login_required
def moderate_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_coordinator(request.user, pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("directory:reports")
    action, response = form.cleaned_data["action"], form.cleaned_data["response"]
    handlers = {"apply": reports.apply_report, "reject": reports.reject_report, "forward": reports.forward_report}
    try:
        handlers[action](report=report, actor=request.user, response=response)
    except reports.ReportError as error:
        messages.error(request, str(error))
    else:
        done = {"apply": "marqué comme corrigé", "reject": "rejeté", "forward": "transmis au lieu"}[action]
        messages.success(request, f"Signalement sur « {report.place.name} » {done}.")
    return redirect("directory:reports")
