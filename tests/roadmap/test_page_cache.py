"""The roadmap's public pages are kept as rendered for anonymous visitors, and renewed by every write."""

import pytest
from django.urls import reverse

from roadmap import actions
from tests.accounts.factories import make_user
from tests.roadmap.factories import make_coordinator, make_roadmap, make_sheet

pytestmark = pytest.mark.django_db


def test_a_visitor_reads_the_kept_sheet_until_a_coordinator_edits_it(client, django_assert_num_queries):
    roadmap = make_roadmap()
    sheet = make_sheet(roadmap, title="Ouvrir un atelier")
    url = reverse("roadmap:sheet", args=[roadmap.slug, sheet.code])
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    actions.edit_sheet(sheet, by=make_coordinator(), changes={"title": "Ouvrir deux ateliers"})
    assert "Ouvrir deux ateliers" in client.get(url).content.decode()


def test_a_roadmap_made_private_is_no_longer_served_from_memory(client):
    roadmap = make_roadmap()
    url = reverse("roadmap:roadmap", args=[roadmap.slug])
    assert client.get(url).status_code == 200
    roadmap.is_public = False
    roadmap.save()
    assert client.get(url).status_code == 404


def test_signed_in_readers_always_get_a_fresh_page(client):
    roadmap = make_roadmap()
    sheet = make_sheet(roadmap)
    url = reverse("roadmap:sheet", args=[roadmap.slug, sheet.code])
    client.get(url)
    client.force_login(make_user(email="lecteur@example.org"))
    assert client.get(url).context is not None
