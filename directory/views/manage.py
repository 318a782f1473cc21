"""Pages where the people who run a place keep its record true."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from directory import editing, freshness, history
from directory.access import can_edit_place, get_place_for_edit, require_coordinator
from directory.edit_forms import EquipmentFormSet, PlaceEditForm, StopFormSet
from directory.models import Place, PlaceChange
from directory.place_page import record_summary


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_place(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_place_for_edit(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = PlaceEditForm(data, instance=place)
    equipment = EquipmentFormSet(
        data, instance=place, prefix="equipement", queryset=place.equipment.select_related("kind")
    )
    stops = StopFormSet(data, instance=place, prefix="etapes", queryset=place.stops.select_related("commune"))
    if request.method == "POST":
        valid = [part.is_valid() for part in (form, equipment, stops)]
        if all(valid):
            change = editing.update_place(
                place=place,
                actor=request.user,
                form=form,
                equipment=equipment,
                stops=stops,
            )
            count = len(change.fields) if change else 0
            messages.success(
                request,
                f"Fiche enregistrée ({count} champ{'s' if count > 1 else ''} modifié{'s' if count > 1 else ''}). "
                "Merci : elle est marquée à jour.",
            )
            return redirect("directory:edit_place", pk=place.pk)
    context = {"place": place, "form": form, "equipment": equipment, "stops": stops}
    return render(request, "directory/manage/edit.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def confirm_place(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Tout est à jour": the record is shown first, whole; the button confirms it."""
    place = get_place_for_edit(request.user, pk)
    if request.method == "POST":
        editing.confirm_place(place=place, actor=request.user)
        messages.success(request, f"Merci ! La fiche « {place.name} » est confirmée à jour.")
        next_url = request.POST.get("next", "")
        return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else "accounts:home")
    return render(request, "directory/manage/confirm.html", {"place": place, "record": record_summary(place)})


@require_http_methods(["GET", "HEAD"])
@login_required
def place_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    place = get_place_for_edit(request.user, pk)
    changes = list(place.changes.select_related("actor").prefetch_related("reverted_by")[:100])
    rows = [
        (
            change,
            [(history.field_label(name), values["before"], values["after"]) for name, values in change.fields.items()],
        )
        for change in changes
    ]
    return render(request, "directory/manage/history.html", {"place": place, "rows": rows})


@require_POST
@login_required
def revert_change(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    change = get_object_or_404(PlaceChange.objects.select_related("place"), pk=pk)
    try:
        history.revert_change(change=change, actor=request.user)
    except history.RevertConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "La modification a été annulée.")
    return redirect("directory:place_history", pk=change.place_id)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The "Tout est à jour" link of a reminder: no login, a signed link for one manager and one place.

    Showing the page changes nothing (mail scanners open links); the button does.
    """
    try:
        place_id, user_id = freshness.read_confirm_token(token)
    except signing.SignatureExpired:
        return render(request, "directory/manage/confirm_invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "directory/manage/confirm_invalid.html", {"expired": False}, status=400)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    place = Place.objects.select_related("commune").filter(pk=place_id).first()
    if user is None or place is None or not can_edit_place(user, place):
        return render(request, "directory/manage/confirm_invalid.html", {"expired": False}, status=400)
    if request.method == "POST":
        editing.confirm_place(place=place, actor=user)
        return render(request, "directory/manage/confirm_done.html", {"place": place})
    return render(
        request, "directory/manage/confirm.html", {"place": place, "record": record_summary(place), "by_link": True}
    )
