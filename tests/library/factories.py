"""Factories for the library's tests: real rows through the library's own write functions where it matters."""

import datetime as dt
import io
import itertools
import zipfile

from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import Role
from library.actions.agenda import EventContent, create_event, publish_event
from library.actions.resources import ResourceContent, create_resource, publish_resource
from library.actions.sheets import SheetContent, create_sheet, review_sheet
from library.actions.watch import share_post
from library.models import Audience, Theme
from tests.accounts.factories import make_coordinator, make_user

_counter = itertools.count(1)


def theme(code: str) -> Theme:
    return Theme.objects.get(code=code)


def audience(code: str) -> Audience:
    return Audience.objects.get(code=code)


def coordinator():
    from accounts.models import User

    return User.objects.filter(email="coordination@example.org").first() or make_coordinator()


def mediator(email: str = "mediatrice@example.org", name: str = "Maude Médiatrice"):
    return make_user(email, role=Role.MEDIATOR, full_name=name)


def make_resource(*, published: bool = True, themes: tuple[str, ...] = ("cybersecurity",), author=None, **fields):
    author = author or coordinator()
    fields.setdefault("title", f"Ressource {next(_counter)}")
    fields.setdefault("summary", "Un guide simple pour commencer.")
    if "upload" not in fields:
        fields.setdefault("url", "https://example.org/guide")
    resource = create_resource(actor=author, content=ResourceContent(themes=[theme(code) for code in themes], **fields))
    if published:
        resource = publish_resource(resource=resource, actor=coordinator())
    return resource


def make_sheet(*, published: bool = True, themes: tuple[str, ...] = ("cybersecurity",), needs=(), **fields):
    fields.setdefault("question", f"Question {next(_counter)} ?")
    fields.setdefault("summary", "La réponse en bref.")
    fields.setdefault("body", "Une phrase.\n- un point\n- un autre point")
    sheet = create_sheet(
        actor=coordinator(),
        content=SheetContent(themes=[theme(code) for code in themes], need_categories=list(needs), **fields),
    )
    if published:
        sheet = review_sheet(sheet=sheet, actor=coordinator())
    return sheet


def make_event(*, published: bool = True, days_ahead: int = 7, hours: int = 2, themes=(), **fields):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days_ahead)
    fields.setdefault("title", f"Atelier {next(_counter)}")
    fields.setdefault("kind", "workshop")
    fields.setdefault("description", "Un atelier pour découvrir.")
    fields.setdefault("starts_at", start)
    fields.setdefault("ends_at", start + dt.timedelta(hours=hours))
    if fields.get("place") is None and not fields.get("location_note"):
        fields.setdefault("online", True)
    event = create_event(actor=coordinator(), content=EventContent(themes=[theme(code) for code in themes], **fields))
    if published:
        event = publish_event(event=event, actor=coordinator())
    return event


def make_post(*, author=None, themes: tuple[str, ...] = ("cybersecurity",), **fields):
    fields.setdefault("title", f"Article {next(_counter)}")
    fields.setdefault("url", "https://example.org/article")
    fields.setdefault("why", "Utile pour répondre aux questions des usagers sur le sujet.")
    return share_post(author=author or mediator(), themes=[theme(code) for code in themes], **fields)


def pdf_bytes(*, javascript: bool = False, attachment: bool = False, pages: int = 1) -> bytes:
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if javascript:
        writer.add_open_action(JavaScript("app.alert('bonjour');"))
    if attachment:
        writer.add_attachment("programme.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def odt_bytes(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        if macro:
            archive.writestr("Basic/Standard/Module1.xml", '<script>Shell("rm")</script>')
    return buffer.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
