"""The pages a French public service owes: linked from every footer, editable by coordinators."""

import html

import pytest
from django.urls import reverse

from legal.models import LegalPage
from tests.accounts.factories import make_coordinator, make_user

PAGES = ["legal:legal_notice", "legal:privacy", "legal:accessibility"]


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_public_and_in_every_footer(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    for other in PAGES:
        assert f'href="{reverse(other)}"' in response.content.decode()
    home = client.get(reverse("directory:home")).content.decode()
    assert f'href="{reverse(name)}"' in home


def test_the_privacy_page_says_controller_purposes_retention_rights_and_contact(client, db, settings):
    settings.CONTACT_EMAIL = "dpo@nievre.example"
    settings.REQUEST_RETENTION_MONTHS = 24
    page = _text(client.get(reverse("legal:privacy")))
    for words in ("responsable du traitement", "Pourquoi nous les utilisons", "24 mois", "Vos droits", "CNIL"):
        assert words in page
    assert "dpo@nievre.example" in page


def test_the_accessibility_statement_names_rgaa_the_method_and_the_date(client, db, settings):
    settings.ACCESSIBILITY_TEST_DATE = "1er décembre 2026"
    page = _text(client.get(reverse("legal:accessibility")))
    assert "RGAA" in page and "4.1" in page and "non conforme" in page
    assert "axe-core" in page and "1er décembre 2026" in page
    assert "Défenseur des droits" in page


def test_security_txt_follows_rfc_9116(client, db, settings):
    settings.SECURITY_CONTACT_EMAIL = "securite@nievre.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:securite@nievre.example"
    assert fields["Expires"].endswith("Z") and "Canonical" in fields


def test_a_coordinator_replaces_a_text_and_can_bring_the_default_back(client, db):
    coordinator = make_coordinator()
    client.force_login(coordinator)
    url = reverse("legal:edit", kwargs={"slug": "mentions-legales"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Éditeur : le Département.\n\n<script>alert(1)</script>"})
    assert response.status_code == 302
    page = client.get(reverse("legal:legal_notice")).content.decode()
    assert "Éditeur : le Département." in page and "<script>alert" not in page
    assert LegalPage.objects.get().updated_by == coordinator
    client.post(url, {"body": ""})
    assert "Hébergement" in _text(client.get(reverse("legal:legal_notice")))


def test_only_coordinators_edit_the_pages(client, db):
    url = reverse("legal:edit", kwargs={"slug": "accessibilite"})
    assert client.get(url).status_code == 302
    client.force_login(make_user("camille@fablab.example"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "x"}).status_code == 403
    client.force_login(make_coordinator())
    assert client.get(reverse("legal:edit", kwargs={"slug": "inconnue"})).status_code == 404
    assert client.post(url, {"body": "x" * 30001}).status_code == 400
    assert not LegalPage.objects.exists()
