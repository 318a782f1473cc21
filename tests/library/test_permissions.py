"""Who does what: mediators and partners contribute, coordinators moderate and publish, the public reads."""

import pytest
from django.urls import reverse

from accounts.models import Role
from library.access import can_contribute, can_edit, can_moderate
from library.models import EventStatus, ResourceStatus, SheetStatus
from tests.accounts.factories import PASSWORD, make_user
from tests.library.factories import coordinator, make_event, make_resource, make_sheet, theme

ROLES = {
    "anonymous": None,
    "place_manager": Role.PLACE_MANAGER,
    "mediator": Role.MEDIATOR,
    "partner": Role.PARTNER,
    "coordinator": Role.COORDINATOR,
}
CONTRIBUTORS = {"mediator", "partner", "coordinator"}


def _as(client, role_name: str):
    if ROLES[role_name] is None:
        return None
    user = make_user(f"{role_name}@example.org", role=ROLES[role_name], full_name=role_name.title())
    client.login(username=user.email, password=PASSWORD)
    return user


@pytest.mark.parametrize("role_name", ROLES)
def test_contributing_pages_open_to_mediators_partners_and_coordinators_only(client, db, role_name):
    _as(client, role_name)
    for name in ("resource_new", "post_new", "event_new", "sheet_new", "mine", "collection_new"):
        status = client.get(reverse(f"library:{name}")).status_code
        if role_name == "anonymous":
            assert status == 302, name
        else:
            assert status == (200 if role_name in CONTRIBUTORS else 403), name


@pytest.mark.parametrize("role_name", ROLES)
def test_only_coordinators_moderate(client, db, role_name):
    resource = make_resource(published=False)
    event = make_event(published=False)
    sheet = make_sheet(published=False)
    _as(client, role_name)
    expected_page = {"anonymous": 302, "coordinator": 200}.get(role_name, 403)
    assert client.get(reverse("library:moderation")).status_code == expected_page
    client.post(reverse("library:resource_status", args=[resource.pk]), {"action": "publish"})
    client.post(reverse("library:event_status", args=[event.pk]), {"action": "publish"})
    client.post(reverse("library:sheet_review", args=[sheet.slug]), {"action": "review"})
    for item in (resource, event, sheet):
        item.refresh_from_db()
    published = role_name == "coordinator"
    assert (resource.status == ResourceStatus.PUBLISHED) is published
    assert (event.status == EventStatus.PUBLISHED) is published
    assert (sheet.status == SheetStatus.PUBLISHED) is published


@pytest.mark.parametrize("role_name", ROLES)
def test_the_public_reads_what_is_published_and_no_draft(client, db, role_name):
    published, draft = make_resource(title="Publiée"), make_resource(title="Brouillon", published=False)
    event_draft = make_event(published=False)
    sheet = make_sheet(published=False)
    _as(client, role_name)
    assert client.get(published.get_absolute_url()).status_code == 200
    draft_status = client.get(draft.get_absolute_url()).status_code
    assert draft_status == (200 if role_name == "coordinator" else 404)
    assert client.get(event_draft.get_absolute_url()).status_code == (200 if role_name == "coordinator" else 404)
    # Sheets waiting for review are read by contributors: reviewing them is shared work.
    assert client.get(sheet.get_absolute_url()).status_code == (200 if role_name in CONTRIBUTORS else 404)


def test_a_contributor_edits_their_own_work_not_others(client, db):
    author = make_user("auteur@example.org", role=Role.MEDIATOR)
    other = make_user("autre@example.org", role=Role.PARTNER)
    resource = make_resource(author=author, published=False)
    assert can_edit(author, resource) and not can_edit(other, resource) and can_edit(coordinator(), resource)
    client.login(username=other.email, password=PASSWORD)
    assert client.get(reverse("library:resource_edit", args=[resource.pk])).status_code == 403
    response = client.post(
        reverse("library:resource_edit", args=[resource.pk]),
        {"title": "Piraté", "summary": "x", "url": "https://example.org", "themes": [theme("cybersecurity").pk]},
    )
    resource.refresh_from_db()
    assert response.status_code == 403 and resource.title != "Piraté"


def test_an_inactive_member_loses_every_right(db):
    user = make_user("parti@example.org", role=Role.COORDINATOR, is_active=False)
    assert not can_contribute(user) and not can_moderate(user)


def test_the_history_of_a_resource_is_shown_to_its_author_and_coordinators(client, db):
    author = make_user("auteur@example.org", role=Role.MEDIATOR, full_name="Ana Auteure")
    resource = make_resource(author=author, title="Guide")
    url = reverse("library:history", args=["ressource", resource.pk])
    client.login(username=author.email, password=PASSWORD)
    page = client.get(url).content.decode()
    assert "Création" in page and "Publication" in page and "par Claude Coordination" in page
    make_user("autre@example.org", role=Role.PARTNER)
    client.login(username="autre@example.org", password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(reverse("library:history", args=["inconnu", resource.pk])).status_code == 404


def test_the_moderation_queue_lists_sheets_due_for_a_new_review(client, db, settings):
    import time_machine
    from django.utils import timezone

    settings.LIBRARY_SHEET_REVIEW_MONTHS = 12
    with time_machine.travel(timezone.now() - timezone.timedelta(days=400)):
        old = make_sheet(question="Ancienne fiche ?")
    make_sheet(question="Fiche récente ?")
    client.login(username=coordinator().email, password=PASSWORD)
    due = client.get(reverse("library:moderation")).context["due_sheets"]
    assert [sheet.question for sheet in due] == [old.question]
