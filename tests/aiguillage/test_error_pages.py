"""Errors in French, in the site's layout, with the help line and a way home; the 500 page needs no database."""

import html

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from aiguillage import memo
from legal import pages
from tests.accounts.factories import make_coordinator

pytestmark = pytest.mark.urls("tests.aiguillage.error_urls")


def text(response) -> str:
    return html.unescape(response.content.decode())


def refuse_every_query(execute, sql, params, many, context):  # noqa: ANN001, ANN201
    raise OperationalError("the database is unreachable (test)")


@pytest.fixture
def help_line(db, settings):
    settings.HELP_LINE_PHONE = "03 86 60 60 60"
    settings.HELP_LINE_HOURS = "en semaine de 9 h à 17 h"
    memo.forget(pages.HELP_LINE_KEY)


def assert_french_error_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = text(response)
    assert '<html lang="fr">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{reverse("directory:home")}"' in page and "Revenir à l'accueil" in page
    assert 'class="site-footer"' in page and "Mentions légales" in page
    assert "03 86 60 60 60" in page and "en semaine de 9 h à 17 h" in page
    assert "Not Found" not in page and "Server Error" not in page and "Forbidden" not in page
    return page


def test_an_unknown_page_is_a_french_404_in_the_site_layout(client, help_line):
    page = assert_french_error_page(client.get("/cette-page-n-existe-pas/"), 404, "Cette page n'existe pas ou plus")
    assert reverse("demandes:new") in page and reverse("demandes:lost_link") in page


def test_a_wrong_tracking_key_is_the_same_french_404(client, help_line):
    assert_french_error_page(client.get("/suivi/58-2026-00001/faux/"), 404, "Cette page n'existe pas ou plus")


def test_a_refused_page_is_a_french_403(client, help_line):
    page = assert_french_error_page(client.get("/essai/403/"), 403, "Vous n'avez pas accès à cette page")
    assert reverse("accounts:login") in page
    # A signed-in coordinator on a page meant for others: the way back to their space.
    client.force_login(make_coordinator())
    assert reverse("accounts:home") in text(client.get("/essai/403/"))


def test_bad_input_is_a_french_400(client, help_line):
    assert_french_error_page(client.get("/essai/400/"), 400, "Nous n'avons pas compris la demande")


def test_a_form_without_its_csrf_token_gets_the_french_page(help_line):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("demandes:new"), {"description": "Imprimer en 3D"})
    page = assert_french_error_page(response, 403, "Le formulaire a expiré")
    assert "cookies" in page
    assert_french_error_page(Client().get("/essai/csrf/"), 403, "Le formulaire a expiré")


def test_a_bug_in_a_view_gives_the_french_500(help_line, settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    assert_french_error_page(client.get("/essai/erreur/"), 500, "Une erreur est survenue de notre côté")


def test_the_500_page_renders_when_the_database_is_unreachable(db, settings):
    """The help line a coordinator set is read once by this process; the 500 page reuses it without a query."""
    settings.HELP_LINE_PHONE = ""
    memo.forget(pages.HELP_LINE_KEY)
    pages.save_help_line(phone="03 86 70 70 70", hours="le matin", actor=make_coordinator())
    Client().get(reverse("directory:home"))  # any page reads it into this process's memory
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse_every_query):
        response = client.get("/essai/base-injoignable/")
    page = text(response)
    assert response.status_code == 500
    assert '<html lang="fr">' in page and "<h1>Une erreur est survenue de notre côté</h1>" in page
    assert "03 86 70 70 70" in page and "le matin" in page
    assert 'class="site-footer"' in page


def test_the_500_page_itself_makes_no_query_and_falls_back_to_the_settings(rf, db, settings, django_assert_num_queries):
    from aiguillage.errors import server_error

    settings.HELP_LINE_PHONE = "03 86 11 11 11"
    settings.HELP_LINE_HOURS = ""
    memo.forget(pages.HELP_LINE_KEY)
    with django_assert_num_queries(0), connection.execute_wrapper(refuse_every_query):
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and "03 86 11 11 11" in text(response)
