"""Answer sheets: the list, the page, the one-page printout with the nearest places, writing and reviewing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from library import access
from library.actions import ActionRefused
from library.actions import sheets as actions
from library.forms import NearbyForm, SheetForm
from library.models import AnswerSheet, SheetStatus, Theme
from library.nearby import nearest_places
from territory.lookup import resolve_commune
from territory.models import Commune


@require_safe
def sheet_list(request: HttpRequest) -> HttpResponse:
    sheets = AnswerSheet.objects.published().prefetch_related("themes").select_related("reviewer")
    waiting = (
        AnswerSheet.objects.exclude(status=SheetStatus.PUBLISHED).prefetch_related("themes")
        if access.can_contribute(request.user)
        else AnswerSheet.objects.none()
    )
    theme = None
    if request.GET.get("theme"):
        theme = Theme.objects.filter(code=request.GET["theme"]).first()
        if theme is not None:
            sheets = sheets.filter(themes=theme)
    context = {
        "sheets": sheets,
        "waiting": waiting,
        "themes": Theme.objects.filter(active=True, answer_sheets__status=SheetStatus.PUBLISHED).distinct(),
        "theme": theme,
        "can_contribute": access.can_contribute(request.user),
    }
    return render(request, "library/sheets/list.html", context)


def _nearby(request: HttpRequest, sheet: AnswerSheet) -> dict:
    """The commune asked for (by INSEE code or name) and the nearest places answering the sheet's needs."""
    form = NearbyForm(request.GET)
    context: dict = {"nearby_form": form, "commune": None, "others": [], "nearby": [], "commune_unknown": False}
    if not form.is_valid():
        context["commune_unknown"] = True
        return context
    code, name = form.cleaned_data["commune"], form.cleaned_data["ou"]
    commune, others = None, []
    if code:
        commune = Commune.objects.filter(code=code.upper()).first()
    elif name:
        commune, others = resolve_commune(name)
    if (code or name) and commune is None:
        context["commune_unknown"] = True
    if commune is not None:
        needs = list(sheet.need_categories.prefetch_related("services", "equipment"))
        context.update(
            commune=commune, others=others[:3], nearby=nearest_places(need_categories=needs, commune=commune)
        )
    return context


@require_safe
def sheet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sheet = access.get_sheet_for_reading(request.user, slug)
    context = {
        "sheet": sheet,
        "can_edit": access.can_edit(request.user, sheet),
        "can_moderate": access.can_moderate(request.user),
        "resources": sheet.resources.filter(status="published"),
        **_nearby(request, sheet),
    }
    return render(request, "library/sheets/detail.html", context)


@require_safe
def sheet_print(request: HttpRequest, slug: str) -> HttpResponse:
    sheet = access.get_sheet_for_reading(request.user, slug)
    context = {"sheet": sheet, "site_url": settings.SITE_URL, **_nearby(request, sheet)}
    return render(request, "library/sheets/print.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def sheet_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_contributor(request.user)
    sheet = access.get_sheet_for_edit(request.user, slug) if slug else None
    form = SheetForm(request.POST or None, instance=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            if sheet is None:
                sheet = actions.create_sheet(actor=request.user, content=form.content())
                messages.success(request, "Fiche enregistrée : elle sera relue par la coordination avant publication.")
            else:
                was_published = sheet.is_published
                sheet = actions.update_sheet(sheet=sheet, actor=request.user, content=form.content())
                message = "Fiche modifiée."
                if was_published and not sheet.is_published:
                    message += " Le texte a changé : elle repasse en relecture avant d'être de nouveau publiée."
                messages.success(request, message)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(sheet.get_absolute_url())
    return render(
        request, "library/sheets/form.html", {"form": form, "sheet": sheet}, status=400 if form.errors else 200
    )


@require_POST
@login_required
def sheet_review(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_moderator(request.user)
    sheet = access.get_sheet_for_reading(request.user, slug)
    try:
        if request.POST.get("action") == "unpublish":
            actions.unpublish_sheet(sheet=sheet, actor=request.user, note=request.POST.get("note", "")[:300])
            messages.success(request, "La fiche n'est plus publiée ; elle attend une nouvelle relecture.")
        else:
            actions.review_sheet(sheet=sheet, actor=request.user)
            messages.success(request, "Fiche relue et publiée.")
    except ActionRefused as refused:
        messages.error(request, str(refused))
    if request.POST.get("next") == "moderation":
        return redirect("library:moderation")
    return redirect(sheet.get_absolute_url())
