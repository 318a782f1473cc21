"""Alerts: save a search with an email address, confirm it, manage it, unsubscribe in one click, its iCal feed."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from accounts import throttle
from funding import alerts, catalogue, ical, search
from funding.forms import TERM_FILTERS
from funding.models import Alert, AlertStatus
from territory.models import Commune

PARAMETERS = ("q", "ou", "commune", "epci", "montant", *TERM_FILTERS)
FIELD_OF = {parameter: name for name, parameter in alerts.PARAMETERS.items()}


class AlertForm(forms.Form):
    email = forms.EmailField(label="Votre adresse électronique", max_length=254)
    # Left empty by people; robots fill every field.
    website = forms.CharField(required=False, label="Ne pas remplir")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            required="Indiquez l'adresse où recevoir les nouveautés.",
            invalid="Cette adresse électronique n'est pas valide : vérifiez-la (par exemple nom@exemple.fr).",
        )


def _limit() -> throttle.Limit:
    return throttle.Limit("funding-alert-ip", settings.REPORT_THROTTLE_PER_IP, settings.REPORT_THROTTLE_WINDOW)


def _criteria(request: HttpRequest, data: object) -> tuple[search.SearchForm, list[tuple[str, str]]]:
    snapshot = catalogue.current()
    form = search.bound_form(data, snapshot)  # type: ignore[arg-type]
    hidden = [(name, value) for name in PARAMETERS for value in data.getlist(name) if value]  # type: ignore[attr-defined]
    return form, hidden


@require_http_methods(["GET", "HEAD", "POST"])
def new_alert(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    criteria, hidden = _criteria(request, data)
    form = AlertForm(request.POST if request.method == "POST" else None)
    context = {"criteria": criteria, "hidden": hidden, "form": form, "summary": []}
    if not criteria.is_valid():
        return render(request, "funding/alerts/new.html", context, status=400)
    outcome = search.run(criteria, catalogue.current(), page_size=1)
    if outcome.commune_unknown:
        criteria.add_error("ou", "Nous ne trouvons pas cette commune : corrigez la recherche avant de créer l'alerte.")
        return render(request, "funding/alerts/new.html", context, status=400)
    context["summary"] = _summary(criteria, outcome)
    context["count"] = outcome.total
    if request.method != "POST":
        return render(request, "funding/alerts/new.html", context)
    if not form.is_valid():
        return render(request, "funding/alerts/new.html", context, status=400)
    ip = throttle.client_ip(request)
    if throttle.is_limited(_limit(), ip):
        form.add_error(None, "Trop d'alertes créées depuis cette connexion : réessayez dans une heure.")
        return render(request, "funding/alerts/new.html", context, status=429)
    throttle.hit(_limit(), ip)
    if form.cleaned_data["website"]:
        # A robot: answer as if all went well, create nothing.
        return redirect("funding:alert_sent")
    terms = snapshot_terms(criteria)
    alerts.create_alert(
        email=form.cleaned_data["email"],
        terms=terms,
        # The search keeps communes in the process (by INSEE code); the alert points to the row as it is now.
        commune=Commune.objects.get(code=outcome.commune.code) if outcome.commune is not None else None,
        epci=outcome.epci,
        amount=criteria.cleaned_data.get("montant"),
        text=criteria.cleaned_data.get("q") or "",
    )
    return redirect("funding:alert_sent")


def snapshot_terms(criteria: search.SearchForm) -> dict[str, list]:
    from funding.models import FundingTerm

    found = {}
    for parameter, (vocabulary, _) in TERM_FILTERS.items():
        codes = criteria.cleaned_data.get(parameter) or []
        found[FIELD_OF[parameter]] = list(
            FundingTerm.objects.filter(vocabulary=vocabulary, code__in=codes, active=True)
        )
    return found


def _summary(criteria: search.SearchForm, outcome: search.Outcome) -> list[str]:
    lines = []
    for parameter, (_, label) in TERM_FILTERS.items():
        field = criteria.fields[parameter]
        chosen = criteria.cleaned_data.get(parameter) or []
        names = [name for code, name in field.choices if code in chosen]  # type: ignore[attr-defined]
        if names:
            lines.append(f"{label} {', '.join(names)}")
    if outcome.commune is not None:
        lines.append(f"Projet à {outcome.commune.name} ({outcome.commune.departement.code})")
    if outcome.epci is not None:
        lines.append(f"Projet dans {outcome.epci.name}")
    if criteria.cleaned_data.get("montant"):
        lines.append(f"Montant recherché : {criteria.cleaned_data['montant']} €")
    if criteria.cleaned_data.get("q"):
        lines.append(f"Mots : {criteria.cleaned_data['q']}")
    return lines or ["Tous les dispositifs du catalogue"]


@require_safe
def alert_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/alerts/sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_alert(request: HttpRequest, signed: str) -> HttpResponse:
    """The link of the confirmation email. Opening it changes nothing (mail scanners open links); the button does."""
    try:
        alert_id = alerts.read_confirmation(signed)
    except signing.SignatureExpired:
        return render(request, "funding/alerts/invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "funding/alerts/invalid.html", {"expired": False}, status=400)
    alert = Alert.objects.filter(pk=alert_id).exclude(status=AlertStatus.UNSUBSCRIBED).first()
    if alert is None:
        return render(request, "funding/alerts/invalid.html", {"expired": False}, status=400)
    if request.method == "POST":
        alert = alerts.confirm_alert(alert=alert)
        return render(
            request,
            "funding/alerts/confirmed.html",
            {"alert": alert, "summary": alerts.describe(alert), "calendar_url": alerts.calendar_url(alert)},
        )
    return render(request, "funding/alerts/confirm.html", {"alert": alert, "summary": alerts.describe(alert)})


def _alert(token: str) -> Alert:
    return get_object_or_404(Alert.objects.select_related("commune", "epci"), token=token)


@require_safe
def manage_alert(request: HttpRequest, token: str) -> HttpResponse:
    alert = _alert(token)
    context = {
        "alert": alert,
        "summary": alerts.describe(alert),
        "notices": list(alert.notices.all()[:20]),
        "search_url": alerts.search_url(alert),
        "calendar_url": alerts.calendar_url(alert),
        "digests": list(alert.digests.all()[:10]),
    }
    return render(request, "funding/alerts/manage.html", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A page with a button, and the one-click POST of mail software (RFC 8058): no cookie, no form token."""
    alert = _alert(token)
    if request.method == "POST":
        alerts.unsubscribe(alert=alert)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Désabonnement enregistré.", content_type="text/plain; charset=utf-8")
        messages.success(request, "C'est fait : vous ne recevrez plus cette alerte.")
        return redirect("funding:alert", token=alert.token)
    return render(request, "funding/alerts/unsubscribe.html", {"alert": alert, "summary": alerts.describe(alert)})


@require_safe
def alert_calendar(request: HttpRequest, token: str) -> HttpResponse:
    alert = _alert(token)
    if alert.status != AlertStatus.ACTIVE:
        raise Http404
    snapshot = catalogue.current()
    found = snapshot.catalogue.find(alerts.query_of(alert))
    body = ical.calendar_of(
        [(scheme, snapshot.cards[scheme.id].url) for scheme in found], name="mon alerte", today=snapshot.today
    )
    return ical.response(body, filename="financements-alerte.ics")
