"""Answer sheets: written by contributors, reviewed and dated by a coordinator, printed with the nearest places."""

import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from demandes.models import NeedCategory
from library.actions.sheets import SheetContent, update_sheet
from library.models import AnswerSheet, ChangeAction, LibraryChange, SheetStatus
from tests.accounts.factories import PASSWORD
from tests.factories import make_place
from tests.library.factories import coordinator, make_sheet, mediator, theme


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_sheet_written_by_a_mediator_waits_for_review_then_carries_its_reviewer_and_date(client, db):
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    response = client.post(
        reverse("library:sheet_new"),
        {
            "question": "Comment sécuriser mon téléphone ?",
            "summary": "Un code, des mises à jour, une sauvegarde.",
            "body": "Trois gestes suffisent.\n- un code\n- les mises à jour",
            "themes": [theme("cybersecurity").pk],
        },
    )
    sheet = AnswerSheet.objects.get()
    assert response.status_code == 302 and sheet.status == SheetStatus.TO_REVIEW and sheet.reviewer is None
    client.logout()
    assert client.get(sheet.get_absolute_url()).status_code == 404
    client.login(username=coordinator().email, password=PASSWORD)
    client.post(reverse("library:sheet_review", args=[sheet.slug]), {"action": "review"})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.reviewer, sheet.reviewed_on) == (
        SheetStatus.PUBLISHED,
        coordinator(),
        timezone.localdate(),
    )
    client.logout()
    page = text(client.get(sheet.get_absolute_url()))
    assert "Relue par Claude Coordination le" in page
    assert "<li>un code</li>" in page and "<p>Trois gestes suffisent.</p>" in page


def test_a_published_sheet_always_has_a_reviewer_and_a_date(db):
    sheet = make_sheet(published=False)
    sheet.status = SheetStatus.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        sheet.save()


def test_changing_the_text_of_a_published_sheet_sends_it_back_to_review(db):
    sheet = make_sheet(question="Qu'est-ce qu'un fablab ?")
    content = SheetContent(
        question=sheet.question, summary="Autre résumé.", body=sheet.body, themes=list(sheet.themes.all())
    )
    sheet = update_sheet(sheet=sheet, actor=coordinator(), content=content)
    assert sheet.status == SheetStatus.TO_REVIEW
    change = LibraryChange.objects.filter(action=ChangeAction.EDIT, object_id=sheet.pk).get()
    assert change.fields["summary"]["after"] == "Autre résumé." and change.fields["status"]["after"] == "À relire"


def test_too_long_an_answer_is_refused_in_french(client, db):
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    response = client.post(
        reverse("library:sheet_new"),
        {"question": "Q ?", "summary": "R.", "body": "mot " * 800, "themes": [theme("cybersecurity").pk]},
    )
    assert response.status_code == 400 and "trop longue pour une page" in text(response)
    assert not AnswerSheet.objects.exists()


@pytest.fixture
def places(db):
    return {
        "near": make_place(
            name="Médiathèque de Luzy", commune="58149", services=("safe_digital",), phone="03 86 30 00 00"
        ),
        "far": make_place(name="Espace numérique de Nevers", commune="58194", services=("safe_digital",)),
        "off_topic": make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",)),
        "closed": make_place(name="Ancien point", commune="58149", services=("safe_digital",), status="closed"),
    }


def test_the_printout_lists_the_nearest_places_that_answer_the_sheets_needs(client, places):
    sheet = make_sheet(question="Arnaque par SMS ?", needs=[NeedCategory.objects.get(code="cybersecurity")])
    response = client.get(reverse("library:sheet_print", args=[sheet.slug]) + "?ou=Luzy")
    names = [item.place.name for item in response.context["nearby"]]
    assert names == ["Médiathèque de Luzy", "Espace numérique de Nevers"]
    page = text(response)
    assert "Près de Luzy" in page and "Tél. 03 86 30 00 00" in page
    assert '<script src="/static/library/js/print.js" defer></script>' in page and "onclick" not in page


def test_an_unknown_commune_on_the_printout_says_so(client, places):
    sheet = make_sheet()
    response = client.get(reverse("library:sheet_print", args=[sheet.slug]) + "?ou=Zzzzzz")
    assert response.status_code == 200 and "Nous ne trouvons pas cette commune" in text(response)
    response = client.get(reverse("library:sheet_print", args=[sheet.slug]) + "?commune=abc")
    assert "Nous ne trouvons pas cette commune" in text(response)


def test_the_list_shows_published_sheets_and_contributors_also_see_those_to_review(client, db):
    make_sheet(question="Publiée ?")
    make_sheet(question="À relire ?", published=False)
    public = text(client.get(reverse("library:sheets")))
    assert "Publiée ?" in public and "À relire ?" not in public
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    assert "À relire ?" in text(client.get(reverse("library:sheets")))
