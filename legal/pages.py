"""Reading and writing the legal pages; defaults come from the settings."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from aiguillage import memo
from aiguillage.lib.phone import normalize_phone
from legal.models import HelpLine, LegalPage, PageKind

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


HELP_LINE_KEY = "legal:help-line"


@dataclass(frozen=True)
class Line:
    """The help line as pages show it: a number (empty when none is known) and its opening hours."""

    phone: str
    hours: str

    @property
    def tel(self) -> str:
        """The number for a ``tel:`` link."""
        return "".join(char for char in self.phone if char.isdigit() or char == "+")


def call_us() -> str:
    """How to reach someone instead, for a message that refuses something: the number and hours, or a place."""
    line = help_line()
    if line.phone:
        hours = f" ({line.hours})" if line.hours else ""
        return f"appelez-nous au {line.phone}{hours}"
    return "rendez-vous dans un lieu d'accueil près de chez vous : on vous aidera"


def default_help_line() -> Line:
    return Line(phone=settings.HELP_LINE_PHONE, hours=settings.HELP_LINE_HOURS)


def _read_help_line() -> Line:
    row = HelpLine.objects.filter(pk=1).first()
    default = default_help_line()
    if row is None:
        return default
    return Line(phone=row.phone or default.phone, hours=row.hours or default.hours)


def help_line() -> Line:
    """Read on every page (the footer): kept in this process's memory until a coordinator changes it."""
    return memo.get_or_set(HELP_LINE_KEY, _read_help_line, timeout=600)


def help_line_without_database() -> Line:
    """For the server-error page, which must render when the database is down: the value this process last read,
    or the settings' default. Neither the database nor the cache is asked."""
    held = memo.peek(HELP_LINE_KEY)
    return held if isinstance(held, Line) else default_help_line()


def save_help_line(*, phone: str, hours: str, actor: User) -> HelpLine:
    """Replace the help line's number and hours (an empty field brings back the default).

    Raises PhoneError (with a French message) when the number is not one."""
    phone = normalize_phone(phone)
    with transaction.atomic():
        row, _ = HelpLine.objects.select_for_update().get_or_create(pk=1)
        row.phone = phone.strip()
        row.hours = " ".join(hours.split())
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save()
        memo.forget(HELP_LINE_KEY)
    return row
