from decimal import Decimal

import pytest

from roadmap import actions
from roadmap.models import ProposalStatus, SheetStatus
from tests.roadmap.factories import add_money, make_coordinator, make_roadmap, make_sheet, partner

pytestmark = pytest.mark.django_db


def test_a_sheet_goes_from_idea_to_done_and_every_step_is_recorded():
    coordinator = make_coordinator()
    sheet = make_sheet(make_roadmap())
    sheet = actions.start_drafting(sheet, by=coordinator)
    sheet = actions.validate_by_steering(sheet, by=coordinator, note="COPIL de septembre")
    sheet = actions.start(sheet, by=coordinator)
    sheet = actions.complete(sheet, by=coordinator)
    assert sheet.status == SheetStatus.DONE
    changes = list(sheet.status_changes.values_list("from_status", "to_status"))
    assert changes == [
        ("idea", "drafting"),
        ("drafting", "validated"),
        ("validated", "in_progress"),
        ("in_progress", "done"),
    ]
    assert sheet.status_changes.get(to_status="validated").note == "COPIL de septembre"
    assert set(sheet.status_changes.values_list("by", flat=True)) == {coordinator.pk}


def test_a_transition_from_the_wrong_status_is_refused_and_changes_nothing():
    coordinator = make_coordinator()
    sheet = make_sheet(make_roadmap())
    with pytest.raises(actions.RoadmapError, match="ne peut pas passer"):
        actions.validate_by_steering(sheet, by=coordinator)
    with pytest.raises(actions.RoadmapError, match="pourquoi"):
        actions.abandon(sheet, by=coordinator, note="  ")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.IDEA
    assert not sheet.status_changes.exists()


def test_a_partners_proposal_accepted_becomes_a_new_version():
    coordinator, member = make_coordinator(), partner()
    sheet = make_sheet(make_roadmap())
    proposal = actions.propose(
        sheet,
        author=member,
        changes={"goals": "Équiper deux fablabs d'un scanner 3D.", "title": sheet.title},
        explanation="Besoin à Decize",
    )
    assert proposal.changes == {"goals": "Équiper deux fablabs d'un scanner 3D."}
    [diff] = actions.proposal_diff(proposal)
    assert (diff.label, diff.before, diff.after) == ("objectifs", "", "Équiper deux fablabs d'un scanner 3D.")

    sheet = actions.accept_proposal(proposal, by=coordinator, note="Merci")
    assert sheet.goals == "Équiper deux fablabs d'un scanner 3D."
    assert sheet.version == 2
    versions = list(sheet.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].data["goals"] == ""
    assert versions[1].data["goals"] == "Équiper deux fablabs d'un scanner 3D."
    assert versions[1].by == coordinator
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    with pytest.raises(actions.RoadmapError, match="déjà été traitée"):
        actions.accept_proposal(proposal, by=coordinator)


def test_a_proposal_over_a_field_changed_since_is_refused_as_a_conflict():
    coordinator, member = make_coordinator(), partner()
    sheet = make_sheet(make_roadmap())
    proposal = actions.propose(sheet, author=member, changes={"goals": "A"})
    actions.edit_sheet(sheet, by=coordinator, changes={"goals": "B"})
    with pytest.raises(actions.RoadmapError, match="a changé depuis"):
        actions.accept_proposal(proposal, by=coordinator)
    sheet.refresh_from_db()
    assert sheet.goals == "B"


def test_a_proposal_on_another_field_still_applies_after_an_edit():
    coordinator, member = make_coordinator(), partner()
    sheet = make_sheet(make_roadmap())
    proposal = actions.propose(sheet, author=member, changes={"calendar": "2025"})
    actions.edit_sheet(sheet, by=coordinator, changes={"goals": "B"})
    sheet = actions.accept_proposal(proposal, by=coordinator)
    assert (sheet.goals, sheet.calendar, sheet.version) == ("B", "2025", 3)


def test_a_rejection_needs_a_note_and_an_empty_proposal_is_refused():
    coordinator, member = make_coordinator(), partner()
    sheet = make_sheet(make_roadmap())
    with pytest.raises(actions.RoadmapError, match="ne change rien"):
        actions.propose(sheet, author=member, changes={"title": sheet.title})
    proposal = actions.propose(sheet, author=member, changes={"goals": "A"})
    with pytest.raises(actions.RoadmapError, match="pourquoi"):
        actions.reject_proposal(proposal, by=coordinator, note="")
    actions.reject_proposal(proposal, by=coordinator, note="Hors du champ de la fiche")
    sheet.refresh_from_db()
    assert (sheet.goals, sheet.version) == ("", 1)


def test_budget_and_funding_totals_are_exact_decimals():
    sheet = make_sheet(make_roadmap())
    add_money(sheet)
    assert sheet.budget_total() == Decimal("6200.00")
    assert sheet.funding_obtained() == Decimal("2500.05")
