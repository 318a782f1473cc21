"""The coordinators' view of the directory's quality: each list one click from the fix."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from aiguillage.lib.dates import add_months
from directory import editing
from directory.access import require_coordinator
from directory.edit_forms import EquipmentFormSet, PlaceForm, StopFormSet
from directory.models import Equipment, ErrorReport, ItinerantStop, Place, PlaceStatus

LIST_LIMIT = 200


@require_safe
@login_required
def quality(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    today = timezone.localdate()
    places = Place.objects.select_related("commune")
    live = places.exclude(status=PlaceStatus.CLOSED)
    since = add_months(today, -settings.RECENTLY_CLOSED_MONTHS)
    sections = [
        (
            "overdue",
            "Fiches à revérifier",
            "Jamais vérifiées, ou vérifiées il y a plus longtemps que leur fréquence de mise à jour.",
            live.stale(today).order_by("date_maj", "name"),
        ),
        (
            "unmanaged",
            "Lieux sans gestionnaire",
            "Personne ne peut tenir leur fiche à jour.",
            live.filter(managers=None),
        ),
        (
            "point",
            "Position à vérifier",
            "Le point fourni était loin de la commune : la carte montre le centre de la commune.",
            live.filter(point_to_check=True),
        ),
        (
            "closed",
            "Fermés récemment",
            f"Fermés définitivement depuis le {since:%d/%m/%Y}.",
            places.filter(status=PlaceStatus.CLOSED).exclude(status_date__lt=since).order_by("-status_date"),
        ),
    ]
    data = []
    for key, title, help_text, queryset in sections:
        total = queryset.count()
        data.append(
            {"key": key, "title": title, "help": help_text, "total": total, "places": list(queryset[:LIST_LIMIT])}
        )
    open_reports = ErrorReport.objects.pending().select_related("place__commune").order_by("created_at")
    context = {
        "sections": data,
        "open_reports": list(open_reports[:LIST_LIMIT]),
        "open_report_count": open_reports.count(),
        "place_count": live.count(),
        "today": today,
        "list_limit": LIST_LIMIT,
    }
    return render(request, "directory/coordination/quality.html", context)


class ClosePlaceForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi le lieu ferme",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dit sur la fiche et aux demandes qui lui étaient envoyées.",
        error_messages={"required": "Indiquez pourquoi le lieu ferme.", "max_length": "300 caractères au plus."},
    )
    on = forms.DateField(
        label="Fermé depuis le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de fermeture.", "invalid": "Saisissez une date valide."},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_place(request: HttpRequest) -> HttpResponse:
    """A coordinator adds a place with the managers' own form; its parts are the coordination's."""
    require_coordinator(request.user)
    data = request.POST if request.method == "POST" else None
    blank = Place()
    form = PlaceForm(data, instance=blank)
    equipment = EquipmentFormSet(data, instance=blank, prefix="equipement", queryset=Equipment.objects.none())
    stops = StopFormSet(data, instance=blank, prefix="etapes", queryset=ItinerantStop.objects.none())
    if request.method == "POST":
        valid = [part.is_valid() for part in (form, equipment, stops)]
        if all(valid):
            place = editing.create_place(actor=request.user, form=form, equipment=equipment, stops=stops)
            messages.success(request, f"Le lieu « {place.name} » est ajouté et publié.")
            return redirect(place.get_absolute_url())
    context = {"form": form, "equipment": equipment, "stops": stops}
    return render(
        request, "directory/coordination/new_place.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def close_place(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    place = get_object_or_404(Place.objects.select_related("commune"), pk=pk)
    form = ClosePlaceForm(request.POST or None, initial={"on": timezone.localdate()})
    open_orientations = place.orientations.active().count()
    status = 200
    if place.status == PlaceStatus.CLOSED:
        messages.error(request, "Ce lieu est déjà fermé définitivement.")
        return redirect(place.get_absolute_url())
    if request.method == "POST":
        if form.is_valid():
            editing.close_place(
                place=place, actor=request.user, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
            )
            returned = (
                f" {open_orientations} orientation(s) en cours reviennent dans la file." if open_orientations else ""
            )
            messages.success(request, f"Le lieu « {place.name} » est fermé définitivement.{returned}")
            return redirect(place.get_absolute_url())
        status = 400
    context = {"place": place, "form": form, "open_orientations": open_orientations}
    return render(request, "directory/coordination/close_place.html", context, status=status)
