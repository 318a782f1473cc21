"""The legal pages and the lost-link form, in Chromium: axe-clean on a phone and a desktop, no CSP violation,
no horizontal scroll at 320 px."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, horizontal_overflow

PATHS = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/", "/suivi/lien-perdu/"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_page_is_accessible_and_light(live_server, page: Page, transactional_db, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(live_server.url + path)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []
    assert horizontal_overflow(page) == 0


def test_the_footer_leads_to_each_legal_page(live_server, page: Page, transactional_db):
    page.goto(live_server.url + "/accessibilite/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Mentions légales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentions légales")
    page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données personnelles")
