"""The library in a real browser: follow a theme, read the feed, print an answer sheet on one page, subscribe to
the agenda; every page accessible at 360 and 1280 px, light, and usable without JavaScript."""

import io
import re

import pytest
from django.core.management import call_command
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from directory.models import ItinerantStop
from library.actions.sheets import review_sheet
from library.models import AnswerSheet
from territory.models import Commune
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import axe_violations
from tests.factories import make_place
from tests.library.factories import coordinator, make_event, make_post, make_resource, mediator

LUZY = "58149"
SECURITY_SHEET = "Comment sécuriser mon téléphone ?"


@pytest.fixture
def library(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A live server test flushes the database after it: load the communes again if a previous one did.
    if not Commune.objects.filter(code=LUZY).exists():
        call_command("load_territory", verbosity=0)
    from library.vocabularies import sync_vocabularies

    sync_vocabularies()
    from demandes.reference_data import sync_reference_data
    from directory.vocabularies import sync_vocabularies as sync_directory

    sync_directory()
    sync_reference_data()
    make_place(
        name="Médiathèque de Luzy",
        commune=LUZY,
        services=("safe_digital", "digital_understanding"),
        equipment=("3d_printer",),
        phone="03 86 30 00 00",
        address="2 place de la Mairie",
    )
    make_place(name="France Services de Luzy", commune=LUZY, services=("safe_digital", "admin_procedures"))
    make_place(name="Fablab de Nevers", commune="58194", services=("digital_understanding",), equipment=("3d_printer",))
    micro_folie = make_place(name="Micro-Folie itinérante", commune=LUZY, is_itinerant=True)
    ItinerantStop.objects.create(
        place=micro_folie, commune=Commune.objects.get(code="58182"), schedule="We[1] 14:00-18:00"
    )
    call_command("load_library_demo", verbosity=0)
    boss = coordinator()
    for sheet in AnswerSheet.objects.all():
        review_sheet(sheet=sheet, actor=boss)
    member = mediator("alice@example.org", "Alice Martin")
    make_post(author=member, themes=("cybersecurity",), title="Une vague de faux SMS de livraison")
    make_post(author=member, themes=("digital_fabrication",), title="Un atelier de réparation")
    make_resource(title="Reconnaître un SMS frauduleux", themes=("cybersecurity",), easy_read=True)
    make_event(title="Atelier : sécuriser son téléphone", themes=("cybersecurity",), registration="simple", capacity=5)
    return mediator("lea@example.org", "Léa Lectrice")


def _login(page: Page, base: str, email: str) -> None:
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_mediator_follows_a_theme_reads_the_feed_prints_a_sheet_and_subscribes_to_the_agenda(
    live_server, page: Page, library
):
    base = live_server.url
    _login(page, base, "lea@example.org")
    page.goto(base + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Veille").click()
    page.get_by_role("link", name="Cybersécurité et données personnelles").first.click()
    page.get_by_role("button", name="Suivre ce thème").click()
    expect(page.get_by_role("status")).to_contain_text("Vous suivez le thème « Cybersécurité et données personnelles »")

    page.get_by_role("link", name="Voir mon fil").click()
    feed = page.get_by_role("list", name="Mon fil")
    expect(feed.get_by_role("heading")).to_have_text(["Une vague de faux SMS de livraison"])

    page.get_by_role("link", name="Fiches réponses").first.click()
    page.get_by_role("link", name=SECURITY_SHEET, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SECURITY_SHEET)
    expect(page.get_by_text("Relue par Claude Coordination")).to_be_visible()
    page.get_by_label("Commune de la personne").fill("Luzy")
    page.get_by_role("button", name="Préparer la version à imprimer").click()
    expect(page).to_have_url(re.compile(r"/imprimer/\?ou=Luzy"))
    expect(page.get_by_text("Médiathèque de Luzy")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 1
    printed = pdf.pages[0].extract_text()
    assert SECURITY_SHEET in printed and "Médiathèque de Luzy" in printed and "Imprimer" not in printed

    page.goto(base + "/agenda/")
    link = page.get_by_role("link", name="S'abonner à tout l'agenda (iCal)")
    calendar = Calendar.from_ical(page.request.get(base + link.get_attribute("href")).body())
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert {"Atelier : sécuriser son téléphone", "Première rencontre du club innovation"} <= summaries
    assert any(summary.startswith("Micro-Folie itinérante à ") for summary in summaries)


def test_every_shipped_answer_sheet_prints_on_one_a4_page_with_three_places(live_server, page: Page, library):
    counts = {}
    for sheet in AnswerSheet.objects.all():
        page.goto(f"{live_server.url}/ressources/fiches/{sheet.slug}/imprimer/?commune={LUZY}")
        counts[sheet.question] = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert len(counts) == 12
    assert counts == {question: 1 for question in counts}


def _pages(base: str) -> dict[str, str]:
    from library.models import Event, Resource, WatchPost

    sheet = AnswerSheet.objects.get(question=SECURITY_SHEET)
    return {
        "ressources": "/ressources/",
        "ressource": Resource.objects.get().get_absolute_url(),
        "signaler": f"/ressources/{Resource.objects.get().pk}/signaler/",
        "fiches": "/ressources/fiches/",
        "fiche": sheet.get_absolute_url() + "?ou=Luzy",
        "fiche imprimée": f"/ressources/fiches/{sheet.slug}/imprimer/?ou=Luzy",
        "kit": "/ressources/kit-handicap/",
        "collections": "/ressources/collections/",
        "recherche": "/ressources/recherche/?q=arnaque",
        "recherche vide": "/ressources/recherche/?q=tracteur",
        "veille": "/veille/",
        "thème": "/veille/themes/cybersecurity/",
        "article": WatchPost.objects.first().get_absolute_url(),
        "agenda": "/agenda/",
        "passés": "/agenda/passes/",
        "événement": Event.objects.get(title="Atelier : sécuriser son téléphone").get_absolute_url(),
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_library_pages_have_no_accessibility_violation(live_server, browser: Browser, library, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for name, url in _pages(live_server.url).items():
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    _login(page, live_server.url, "lea@example.org")
    for name, url in {
        "proposer": "/ressources/proposer/",
        "fil": "/veille/mon-fil/",
        "partager": "/veille/partager/",
        "événement nouveau": "/agenda/proposer/",
        "fiche nouvelle": "/ressources/fiches/nouvelle/",
    }.items():
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    context.close()
    assert found == {name: [] for name in found}


def test_library_pages_fit_320_px_and_weigh_under_100_kb(live_server, browser: Browser, library):
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 800})
    page = context.new_page()
    weights, overflow = {}, {}
    for name, url in _pages(live_server.url).items():
        page.goto(live_server.url + url)
        overflow[name] = page.evaluate("document.documentElement.scrollWidth") > 320
        weights[name] = page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                .reduce((total, entry) => total + (entry.transferSize || entry.encodedBodySize || 0), 0)"""
        )
    context.close()
    assert overflow == {name: False for name in overflow}
    assert {name: weight for name, weight in weights.items() if weight > 100_000} == {}
    assert all(weight > 0 for weight in weights.values())


def test_following_a_theme_and_registering_work_without_javascript(live_server, browser: Browser, library):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/agenda/")
    page.get_by_role("link", name="Atelier : sécuriser son téléphone").click()
    page.get_by_label("Votre nom").fill("Camille")
    page.get_by_label("Votre courriel").fill("camille@example.org")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes inscrit")

    _login(page, base, "lea@example.org")
    page.goto(base + "/veille/themes/digital_fabrication/")
    page.get_by_role("button", name="Suivre ce thème").click()
    page.goto(base + "/veille/mon-fil/")
    expect(page.get_by_role("list", name="Mon fil").get_by_role("heading")).to_have_text(["Un atelier de réparation"])
    page.goto(f"{base}/ressources/fiches/{AnswerSheet.objects.get(question=SECURITY_SHEET).slug}/imprimer/")
    # Without JavaScript the button stays hidden and the sentence says how to print.
    expect(page.get_by_role("button", name="Imprimer")).to_have_count(0)
    expect(page.get_by_text("menu de votre navigateur")).to_be_visible()
    context.close()
