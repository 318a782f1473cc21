"""The optional import of followed feeds, tested on files kept in the repository (never the network)."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from library.feed_import import FeedError, import_source, parse_feed
from library.models import EntryStatus, FeedEntry, FeedSource, WatchPost
from tests.accounts.factories import PASSWORD
from tests.library.factories import mediator, theme

SAMPLES = Path(__file__).resolve().parent / "samples"


def _read(name: str):
    data = (SAMPLES / name).read_bytes()
    return lambda url: data


def test_an_rss_feed_gives_clean_items_and_skips_links_that_are_not_web_pages():
    entries = parse_feed((SAMPLES / "veille-rss2.xml").read_bytes())
    assert [entry.title for entry in entries] == [
        "Arnaques au colis : une nouvelle vague de SMS",
        "Les outils d'IA expliqués aux seniors",
    ]
    first = entries[0]
    assert first.guid == "https://actualites.example.fr/?p=4812"
    assert first.summary == "Des SMS imitent un livreur et demandent 1,99 €. Les bons réflexes : ne pas cliquer."
    assert first.published_at == dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)


def test_an_atom_feed_gives_its_entries():
    (entry,) = parse_feed((SAMPLES / "veille-atom.xml").read_bytes())
    assert (entry.title, entry.url) == (
        "Imprimer une pièce de rechange pas à pas",
        "https://fablab.example.fr/blog/piece-de-rechange",
    )
    assert entry.published_at == dt.datetime(2026, 3, 11, 18, 0, tzinfo=dt.UTC)


def test_garbage_is_not_a_feed():
    with pytest.raises(FeedError):
        parse_feed(b"<html><body>pas un flux</body></html")


@pytest.fixture
def source(db):
    source = FeedSource.objects.create(title="Actualités", url="https://actualites.example.fr/feed/")
    source.themes.set([theme("cybersecurity")])
    return source


def test_new_items_wait_in_the_queue_and_a_second_reading_adds_nothing(source):
    assert import_source(source, fetch=_read("veille-rss2.xml")) == 2
    assert import_source(source, fetch=_read("veille-rss2.xml")) == 0
    assert set(FeedEntry.objects.values_list("status", flat=True)) == {EntryStatus.PENDING}
    assert not WatchPost.objects.exists()
    source.refresh_from_db()
    assert source.last_fetched_at is not None and source.last_error == ""


def test_a_feed_that_fails_is_recorded_on_its_source(source):
    def unreachable(url: str) -> bytes:
        raise OSError("Connexion refusée")

    assert import_source(source, fetch=unreachable) == 0
    source.refresh_from_db()
    assert source.last_error == "Connexion refusée"


def test_a_member_publishes_a_proposed_item_with_why_it_matters_or_dismisses_one(client, source):
    import_source(source, fetch=_read("veille-rss2.xml"))
    first, second = FeedEntry.objects.order_by("-published_at")
    member = mediator()
    client.login(username=member.email, password=PASSWORD)
    page = client.get(reverse("library:post_new") + f"?proposition={first.pk}")
    assert page.context["form"].initial["title"] == first.title
    response = client.post(
        reverse("library:post_new"),
        {
            "proposition": first.pk,
            "title": first.title,
            "url": first.url,
            "why": "Montrer ce SMS en atelier : c'est exactement ce que les usagers reçoivent.",
            "themes": [theme("cybersecurity").pk],
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.reviewed_by, first.post.title) == (EntryStatus.PUBLISHED, member, first.title)
    client.post(reverse("library:dismiss_proposal", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == EntryStatus.DISMISSED
    assert client.get(reverse("library:post_new") + f"?proposition={second.pk}").status_code == 404
