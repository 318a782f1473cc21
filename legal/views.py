"""Public legal pages (mentions légales, données personnelles, accessibilité), security.txt, and their editing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from legal import pages
from legal.forms import HelpLineForm, PageForm
from legal.models import HelpLine, PageKind

PAGE_URLS = {
    "mentions-legales": "legal:legal_notice",
    "donnees-personnelles": "legal:privacy",
    "accessibilite": "legal:accessibility",
}


def _kind(slug: str) -> str:
    try:
        return pages.SLUGS[slug]
    except KeyError:
        raise Http404 from None


def _defaults() -> dict:
    return {
        "publisher": settings.LEGAL_PUBLISHER,
        "publisher_address": settings.LEGAL_PUBLISHER_ADDRESS,
        "director": settings.LEGAL_DIRECTOR,
        "host": settings.LEGAL_HOST,
        "contact_email": settings.CONTACT_EMAIL,
        "dpo_email": settings.PRIVACY_DPO_EMAIL or settings.CONTACT_EMAIL,
        "security_email": settings.SECURITY_CONTACT_EMAIL,
        "request_retention_months": settings.REQUEST_RETENTION_MONTHS,
        "access_log_retention_months": settings.ACCESS_LOG_RETENTION_MONTHS,
        "outbox_log_retention_days": settings.OUTBOX_LOG_RETENTION_DAYS,
        "accessibility_status": settings.ACCESSIBILITY_STATUS,
        "accessibility_audit_date": settings.ACCESSIBILITY_AUDIT_DATE,
        "accessibility_test_date": settings.ACCESSIBILITY_TEST_DATE,
    }


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: no login."""
    kind = _kind(slug)
    context = {
        "kind": kind,
        "title": PageKind(kind).label,
        "custom": pages.custom_text(kind),
        "slug": slug,
        **_defaults(),
    }
    return render(request, "legal/page.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_coordinator:
        raise PermissionDenied
    kind = _kind(slug)
    current = pages.custom_text(kind)
    form = PageForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        pages.save_page(kind=kind, body=form.cleaned_data["body"], actor=request.user)
        done = "La page est enregistrée." if form.cleaned_data["body"] else "Le texte par défaut est rétabli."
        messages.success(request, done)
        return redirect(PAGE_URLS[slug])
    context = {"form": form, "title": PageKind(kind).label, "slug": slug, "current": current}
    return render(request, "legal/edit.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_help_line(request: HttpRequest) -> HttpResponse:
    """Coordinators set the number and hours shown in every footer, on error pages and on tracking pages."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    row = HelpLine.objects.filter(pk=1).first()
    initial = {"phone": row.phone, "hours": row.hours} if row else {}
    form = HelpLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        pages.save_help_line(phone=form.cleaned_data["phone"], hours=form.cleaned_data["hours"], actor=request.user)
        messages.success(request, "La ligne d'aide est enregistrée : elle s'affiche en bas de chaque page.")
        return redirect("legal:help_line")
    context = {"form": form, "row": row, "default": pages.default_help_line(), "current": pages.help_line()}
    return render(request, "legal/help_line.html", context, status=400 if form.errors else 200)


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """Public: /.well-known/security.txt (RFC 9116)."""
    return HttpResponse(pages.security_txt(), content_type="text/plain; charset=utf-8")
