"""The API reference page and the favicon, in Chromium: axe-clean at 360 and 1280 px, no horizontal scroll at
320 px, readable without JavaScript."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations, horizontal_overflow


def test_the_api_reference_is_reached_from_the_open_data_page_and_is_accessible(
    live_server, page: Page, transactional_db
):
    page.goto(live_server.url + "/donnees/")
    page.get_by_role("link", name="documentation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentation de l'API")
    expect(page.get_by_role("heading", name="POST /api/v1/requests — Enregistrer une demande")).to_be_visible()
    found = {}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found[width] = axe_violations(page)
    assert found == {360: [], 1280: []}
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="POST /api/v1/requests").first.click()
    expect(page).to_have_url(live_server.url + "/api/v1/documentation/#create_request")


def test_the_api_reference_reads_without_javascript(live_server, browser: Browser, transactional_db):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/api/v1/documentation/")
    expect(page.get_by_role("heading", name="GET /api/v1/places — Chercher des lieux")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    context.close()


@pytest.mark.parametrize("path", ["/", "/demande/", "/api/v1/documentation/", "/page-inconnue/"])
def test_every_page_has_a_favicon_that_loads(live_server, page: Page, transactional_db, path):
    page.goto(live_server.url + path)
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert href.endswith("favicon.svg")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
