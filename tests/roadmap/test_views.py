import pytest
from django.test import Client
from django.urls import reverse

from roadmap.models import Proposal, SheetStatus
from roadmap.seed import SLUG
from tests.accounts.factories import make_user
from tests.roadmap.factories import load_roadmap_demo, make_coordinator, make_roadmap, make_sheet, partner

pytestmark = pytest.mark.django_db


def test_the_seeded_roadmap_is_public_with_its_committee_and_four_draft_sheets(client):
    roadmap = load_roadmap_demo()
    load_roadmap_demo()  # twice: nothing duplicated
    assert roadmap.sheets.count() == 4
    assert set(roadmap.sheets.values_list("status", flat=True)) == {SheetStatus.DRAFTING}
    committee = roadmap.committees.get()
    assert committee.date.isoformat() == "2024-06-05"
    assert committee.attendance_total() == 18
    assert committee.decisions.count() == 2
    page = client.get(reverse("roadmap:index"), follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "FA4 — L&#x27;outillage des médiateurs" in html
    committee_page = client.get(reverse("roadmap:committee", args=[SLUG, committee.pk]))
    assert "Comité technique Axe 2 — Innovation" in committee_page.content.decode()
    for name in ("roadmap:dashboard", "roadmap:print"):
        assert client.get(reverse(name, args=[SLUG])).status_code == 200
    assert client.get(reverse("roadmap:sheet", args=[SLUG, "FA1"])).status_code == 200


def test_committee_minutes_are_sanitised():
    from datetime import date

    from roadmap.actions import record_committee

    committee = record_committee(
        roadmap=make_roadmap(),
        kind="technical",
        title="COPIL",
        on=date(2024, 9, 1),
        minutes='<p onclick="x()">Bonjour<script>alert(1)</script></p>',
    )
    assert committee.minutes == "<p>Bonjour</p>"


def test_an_unpublished_roadmap_is_hidden_from_the_public_and_shown_to_members():
    roadmap = make_roadmap(public=False)
    make_sheet(roadmap)
    anonymous = Client()
    for url in (
        reverse("roadmap:roadmap", args=["test"]),
        reverse("roadmap:sheet", args=["test", "FA1"]),
        reverse("roadmap:roadmap_odt", args=["test"]),
        reverse("roadmap:indicators", args=["test", "csv"]),
    ):
        assert anonymous.get(url).status_code == 404
    mediator = Client()
    mediator.force_login(make_user("mediatrice@example.org", role="mediator"))
    assert mediator.get(reverse("roadmap:roadmap", args=["test"])).status_code == 404
    member = Client()
    member.force_login(partner())
    assert member.get(reverse("roadmap:roadmap", args=["test"])).status_code == 200


def test_the_public_reads_but_cannot_comment_propose_or_decide(client):
    sheet = make_sheet(make_roadmap())
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert "Proposer une modification" not in page
    assert client.post(reverse("roadmap:comment", args=["test", "FA1"]), {"text": "x"}).status_code == 302
    client.force_login(make_user("mediatrice@example.org", role="mediator"))
    assert client.post(reverse("roadmap:comment", args=["test", "FA1"]), {"text": "x"}).status_code == 403
    assert client.get(reverse("roadmap:propose", args=["test", "FA1"])).status_code == 403
    assert not sheet.comments.exists()


def test_a_partner_comments_and_proposes_but_cannot_decide_edit_or_change_status():
    sheet = make_sheet(make_roadmap())
    member = Client()
    member.force_login(partner())
    assert (
        member.post(reverse("roadmap:comment", args=["test", "FA1"]), {"text": "Nous pouvons aider."}).status_code
        == 302
    )
    response = member.post(
        reverse("roadmap:propose", args=["test", "FA1"]),
        {
            "title": sheet.title,
            "context": sheet.context,
            "goals": "Deux scanners",
            "target_publics": "",
            "calendar": "",
            "explanation": "Besoin réel",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (
        member.post(reverse("roadmap:decide", args=["test", "FA1", proposal.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert member.post(reverse("roadmap:status", args=["test", "FA1"]), {"to": "drafting"}).status_code == 403
    assert member.get(reverse("roadmap:edit", args=["test", "FA1"])).status_code == 403
    sheet.refresh_from_db()
    assert (sheet.goals, sheet.status) == ("", SheetStatus.IDEA)
    assert sheet.comments.get().text == "Nous pouvons aider."


def test_bad_input_gets_a_french_message_and_changes_nothing():
    sheet = make_sheet(make_roadmap())
    coordinator = Client()
    coordinator.force_login(make_coordinator())
    response = coordinator.post(reverse("roadmap:status", args=["test", "FA1"]), {"to": "done"}, follow=True)
    assert "ne peut pas passer" in response.content.decode()
    response = coordinator.post(reverse("roadmap:status", args=["test", "FA1"]), {"to": "nonsense"}, follow=True)
    assert "Choisissez un nouvel état" in response.content.decode()
    response = coordinator.post(
        reverse("roadmap:propose", args=["test", "FA1"]),
        {"title": "", "context": "", "goals": "", "target_publics": "", "calendar": ""},
    )
    assert response.status_code == 400
    response = coordinator.post(reverse("roadmap:comment", args=["test", "FA1"]), {"text": ""}, follow=True)
    assert "vide" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.IDEA
    assert coordinator.get(reverse("roadmap:sheet", args=["test", "FA9"])).status_code == 404
    assert coordinator.delete(reverse("roadmap:sheet", args=["test", "FA1"])).status_code == 405


def test_a_coordinator_edits_records_a_measure_and_compares_versions():
    sheet = make_sheet(make_roadmap())
    from roadmap.models import Indicator

    indicator = Indicator.objects.create(sheet=sheet, label="Ateliers")
    coordinator = Client()
    coordinator.force_login(make_coordinator())
    coordinator.post(
        reverse("roadmap:edit", args=["test", "FA1"]),
        {"title": sheet.title, "context": "Nouveau contexte", "goals": "", "target_publics": "", "calendar": ""},
    )
    response = coordinator.get(reverse("roadmap:versions", args=["test", "FA1"]) + "?de=1&a=2")
    html = response.content.decode()
    assert "Des fablabs manquent de scanners 3D." in html and "Nouveau contexte" in html
    assert coordinator.get(reverse("roadmap:versions", args=["test", "FA1"]) + "?de=x").status_code == 200
    response = coordinator.post(
        reverse("roadmap:measure", args=["test", "FA1", indicator.pk]),
        {"value": "abc", "date": "2025-01-01", "source": "x"},
        follow=True,
    )
    assert "Mesure refusée" in response.content.decode()
    coordinator.post(
        reverse("roadmap:measure", args=["test", "FA1", indicator.pk]),
        {"value": "3", "date": "2025-01-01", "source": "bilan"},
    )
    assert indicator.measurements.get().value == 3
