"""Where coordinators and partners keep the catalogue: their schemes, the edit form, publication, history."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from funding import access, writing
from funding.edit_forms import SchemeForm, initial_of
from funding.exchange.records import LABELS
from funding.models import Scheme


@require_safe
@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    access.require_writer(request.user)
    schemes = Scheme.objects.select_related("organisation").order_by("status", "title")
    if not request.user.is_coordinator:
        organisations = [organisation.pk for organisation in access.partner_organisations(request.user)]
        schemes = schemes.filter(Q(organisation__in=organisations) | Q(created_by=request.user))
    return render(request, "funding/manage/list.html", {"schemes": schemes[:500]})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_scheme(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scheme = access.get_scheme_for_edit(request.user, pk) if pk is not None else None
    if scheme is None:
        access.require_writer(request.user)
    initial = {"needs_check": True, "recurrence": "one_off", "perimeter": "département 58"}
    if scheme is not None:
        stored = Scheme.objects.prefetch_related(
            "funders", "areas", "programmes", "kinds", "beneficiaries", "themes", "expenses"
        ).get(pk=scheme.pk)
        initial = initial_of(writing.record_of(stored), stored)
    form = SchemeForm(request.POST if request.method == "POST" else None, initial=initial, scheme=scheme)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            source, source_id = (scheme.source, scheme.source_id) if scheme else ("aiguillage", uuid.uuid4().hex)
            record = form.record(source=source, source_id=source_id, status=scheme.status if scheme else "draft")
            organisations = access.partner_organisations(request.user)
            try:
                saved, change = writing.save_record(
                    record=record,
                    actor=request.user,
                    organisation_id=organisations[0].pk if organisations and scheme is None else None,
                )
            except writing.WriteError as error:
                for problem in error.problems:
                    form.add_error(None, problem[:1].upper() + problem[1:] + ".")
            else:
                count = len(change.fields) if change else 0
                messages.success(
                    request,
                    f"Fiche enregistrée ({count} champ{'s' if count > 1 else ''} modifié{'s' if count > 1 else ''}).",
                )
                return redirect("funding:edit_scheme", pk=saved.pk)
    return render(request, "funding/manage/edit.html", {"form": form, "scheme": scheme}, status=status)


def _move(request: HttpRequest, pk: int, action: object, done: str) -> HttpResponse:
    scheme = access.get_scheme_for_edit(request.user, pk)
    try:
        action(scheme=scheme, actor=request.user)  # type: ignore[operator]
    except writing.WriteError as error:
        for problem in error.problems:
            messages.error(request, problem[:1].upper() + problem[1:] + ".")
    else:
        messages.success(request, done)
    return redirect("funding:edit_scheme", pk=scheme.pk)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, writing.publish_scheme, "Dispositif publié : tout le monde peut le lire.")


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, writing.close_scheme, "Dispositif clôturé : la fiche reste consultable, marquée ainsi.")


@require_POST
@login_required
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, writing.unpublish_scheme, "Dispositif remis en brouillon : il n'est plus public.")


@require_safe
@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_edit(request.user, pk)
    changes = list(scheme.changes.select_related("actor")[:200])
    rows = [
        (
            change,
            [(LABELS.get(name, name), values["before"], values["after"]) for name, values in change.fields.items()],
        )
        for change in changes
    ]
    return render(request, "funding/manage/history.html", {"scheme": scheme, "rows": rows})
