import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "aiguillage" / "static" / "vendor" / "axe-core" / "axe.min.js"
# Every page reports the Content-Security-Policy violations it meets; a test fails on any.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # The Playwright sync API runs an event loop in this thread; Django's ORM calls made by
    # the tests around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


class CSPViolations:
    """Collects the CSP violations of every document a page shows, across navigations."""

    def __init__(self, page: Page) -> None:
        self.found: list[str] = []
        self.page = page
        page.on("console", self._console)

    def _console(self, message) -> None:  # noqa: ANN001 - Playwright's ConsoleMessage
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.found.append(text)

    def collect(self) -> list[str]:
        try:
            self.found.extend(self.page.evaluate("() => window.__cspViolations || []"))
        except Exception:  # noqa: BLE001 - a closed or navigating page has nothing more to say
            pass
        return sorted(set(self.found))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    violations = CSPViolations(page)
    yield page
    found = violations.collect()
    context.close()
    assert not found, f"Content-Security-Policy violations: {found}"


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it stands; return its violations, summarised."""
    # Loaded from our own static files, as the Content-Security-Policy allows.
    origin = urlsplit(page.url)
    page.add_script_tag(url=f"{origin.scheme}://{origin.netloc}{settings.STATIC_URL}vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]]}
        for violation in result["violations"]
    ]


def horizontal_overflow(page: Page, width: int = 320) -> int:
    """How many pixels the page is wider than a ``width``-pixel screen (0: no horizontal scroll)."""
    page.set_viewport_size({"width": width, "height": 740})
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))
