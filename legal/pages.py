"""Reading and writing the legal pages; defaults come from the settings."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from legal.models import LegalPage, PageKind

SLUGS = {
    "mentions-legales": PageKind.LEGAL_NOTICE,
    "donnees-personnelles": PageKind.PRIVACY,
    "accessibilite": PageKind.ACCESSIBILITY,
}


def custom_text(kind: str) -> LegalPage | None:
    page = LegalPage.objects.filter(kind=kind).first()
    return page if page is not None and page.body.strip() else None


def save_page(*, kind: str, body: str, actor: User) -> LegalPage:
    """Replace a page's text (an empty text brings back the default)."""
    if kind not in PageKind.values:
        raise ValueError(f"unknown legal page {kind!r}")
    with transaction.atomic():
        page, _ = LegalPage.objects.select_for_update().get_or_create(kind=kind)
        page.body = body.strip()
        page.updated_at = timezone.now()
        page.updated_by = actor
        page.save()
    return page


def security_txt(now: dt.datetime | None = None) -> str:
    """RFC 9116: who to tell of a vulnerability, until when this file holds."""
    expires = (now or timezone.now()) + dt.timedelta(days=settings.SECURITY_TXT_DAYS)
    lines = [f"Contact: mailto:{settings.SECURITY_CONTACT_EMAIL}"]
    lines += [
        f"Expires: {expires.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
        f"Policy: {settings.SITE_URL}/mentions-legales/#securite",
    ]
    return "\n".join(lines) + "\n"
