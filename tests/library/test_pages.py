"""The disability kit, the hooks on the directory's and the requests' pages, the demo content."""

import html

from django.core.management import call_command
from django.urls import reverse

from demandes.models import NeedCategory
from directory.models import Term
from library.models import AnswerSheet, Event, EventStatus, SheetStatus, Theme
from tests.accounts.factories import PASSWORD
from tests.factories import make_place
from tests.library.factories import coordinator, make_event, make_resource, make_sheet


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_kit_is_fed_by_the_kit_themes_and_the_accessibility_codes(client, db):
    deaf = Term.objects.get(vocabulary="accessibility", code="deaf")
    make_place(name="Médiathèque accessible", commune="58149", accessibility=("deaf",))
    tool = make_resource(title="Transcription en direct", themes=("disability_accessibility",), format="software")
    guide = make_resource(title="Écrire en FALC", themes=("disability_accessibility",), format="guide")
    tagged = make_resource(title="Sous-titrer ses vidéos", themes=("coding_youth",), accessibility=[deaf])
    make_resource(title="Hors du kit", themes=("cybersecurity",))
    response = client.get(reverse("library:kit"))
    assert [r.title for r in response.context["tools"]] == [tool.title]
    assert [r.title for r in response.context["readings"]] == [guide.title]
    row = next(row for row in response.context["codes"] if row["term"] == deaf)
    assert row["resources"] == [tagged] and row["place_count"] == 1
    assert row["search_url"] == "/lieux/?accessibilite=deaf"
    assert "Hors du kit" not in text(response)
    # A coordinator adds a theme to the kit: the page follows, no separate list to keep.
    Theme.objects.filter(code="cybersecurity").update(disability_kit=True)
    assert "Hors du kit" in text(client.get(reverse("library:kit")))


def test_a_place_page_shows_what_can_be_tried_there_and_its_coming_events(client, db):
    fablab = make_place(name="Fablab de Luzy", commune="58149")
    make_resource(title="Découvrir la réalité virtuelle", places=[fablab])
    make_event(title="Portes ouvertes", place=fablab)
    page = text(client.get(fablab.get_absolute_url()))
    assert "Ressources et rendez-vous" in page
    assert "Découvrir la réalité virtuelle" in page and "Portes ouvertes" in page
    assert reverse("library:ical_place", args=[fablab.pk]) in page
    empty = make_place(name="Lieu sans rien", commune="58149")
    assert "Ressources et rendez-vous" not in text(client.get(empty.get_absolute_url()))


def test_a_routed_request_shows_the_resources_and_sheets_of_its_needs(client, db):
    from demandes.intake import create_request
    from territory.models import Commune

    need = NeedCategory.objects.get(code="cybersecurity")
    make_resource(title="Guide anti-arnaques", need_categories=[need])
    make_sheet(question="Comment repérer une arnaque par SMS ?", needs=[need])
    request = create_request(
        description="J'ai reçu un SMS bizarre, je crois que c'est une arnaque",
        commune=Commune.objects.get(code="58194"),
        channel="web",
        needs=[need],
    ).request
    client.login(username=coordinator().email, password=PASSWORD)
    page = text(client.get(reverse("demandes:detail", args=[request.reference])))
    assert "Ressources pour répondre" in page
    assert "Guide anti-arnaques" in page and "Comment repérer une arnaque par SMS ?" in page


def test_the_demo_content_loads_once_with_a_dozen_sheets_to_review_and_the_first_meeting(db):
    call_command("load_library_demo", verbosity=0)
    call_command("load_library_demo", verbosity=0)
    sheets = AnswerSheet.objects.all()
    assert sheets.count() == 12
    assert set(sheets.values_list("status", flat=True)) == {SheetStatus.TO_REVIEW}
    themes = set(Theme.objects.filter(answer_sheets__isnull=False).values_list("code", flat=True))
    assert {"artificial_intelligence", "cybersecurity", "digital_fabrication"} <= themes
    assert all(sheet.need_categories.exists() for sheet in sheets)
    meeting = Event.objects.get()
    assert (meeting.kind, meeting.status) == ("club_meeting", EventStatus.PUBLISHED)
    assert meeting.title == "Première rencontre du club innovation"


def test_my_space_links_a_contributor_to_their_library_work(client, db):
    from tests.accounts.factories import make_user
    from tests.library.factories import mediator

    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    page = text(client.get(reverse("accounts:home")))
    assert reverse("library:mine") in page and reverse("library:moderation") not in page
    client.login(username=coordinator().email, password=PASSWORD)
    assert reverse("library:moderation") in text(client.get(reverse("accounts:home")))
    make_user("gestion@example.org", role="place_manager")
    client.login(username="gestion@example.org", password=PASSWORD)
    assert reverse("library:mine") not in text(client.get(reverse("accounts:home")))
