"""The club's watch: posts with why they matter, comments, follows, the personal feed, feeds, the monthly digest."""

import datetime as dt
import html
import re

import feedparser
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from library.actions.watch import send_digests
from library.models import DigestStatus, DigestSubscription, PostStatus, WatchComment, WatchPost
from tests.accounts.factories import PASSWORD
from tests.library.factories import coordinator, make_post, mediator, theme


def text(response) -> str:
    return html.unescape(response.content.decode())


def login(client, user) -> None:
    assert client.login(username=user.email, password=PASSWORD)


@pytest.fixture
def members(db):
    return mediator("alice@example.org", "Alice Martin"), mediator("bruno@example.org", "Bruno Petit")


def test_a_member_shares_a_link_with_why_it_matters(client, members):
    alice, _ = members
    login(client, alice)
    response = client.post(
        reverse("library:post_new"),
        {
            "title": "Le guide de la CNIL sur l'IA",
            "url": "https://example.org/cnil-ia",
            "why": "Des mots simples pour expliquer l'IA aux usagers qui en parlent après la télé.",
            "themes": [theme("artificial_intelligence").pk],
        },
    )
    post = WatchPost.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    client.logout()
    page = text(client.get(post.get_absolute_url()))
    assert "Des mots simples pour expliquer" in page and "Alice Martin" in page
    assert "alice@example.org" not in page


def test_a_post_without_a_reason_or_a_theme_is_refused_in_french(client, members):
    login(client, members[0])
    response = client.post(reverse("library:post_new"), {"title": "x", "url": "pas une adresse", "why": "court"})
    page = text(response)
    assert response.status_code == 400
    assert "Dites en quelques mots pourquoi c'est utile" in page
    assert "Choisissez au moins un thème." in page and "Cette adresse n'est pas valable" in page
    assert not WatchPost.objects.exists()


def test_members_comment_and_the_author_is_told(client, members, django_capture_on_commit_callbacks):
    alice, bruno = members
    post = make_post(author=alice, title="Un outil de sauvegarde")
    login(client, bruno)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("library:comment", args=[post.pk]), {"body": "Testé en atelier, ça marche bien."})
    assert WatchComment.objects.get().body == "Testé en atelier, ça marche bien."
    assert mail.outbox[0].to == ["alice@example.org"] and "Bruno Petit" in mail.outbox[0].body
    client.logout()
    assert client.post(reverse("library:comment", args=[post.pk]), {"body": "anonyme"}).status_code == 302
    assert WatchComment.objects.count() == 1


def test_the_personal_feed_holds_only_followed_themes_and_members_newest_first(client, members):
    alice, bruno = members
    reader = mediator("lecteur@example.org", "Léa Lectrice")
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        old_ai = make_post(author=bruno, themes=("artificial_intelligence",), title="IA ancienne")
    fab = make_post(author=bruno, themes=("digital_fabrication",), title="Une imprimante pas suivie")
    by_alice = make_post(author=alice, themes=("digital_fabrication",), title="Par Alice")
    new_ai = make_post(author=bruno, themes=("artificial_intelligence",), title="IA récente")
    login(client, reader)
    client.post(reverse("library:follow_theme", args=["artificial_intelligence"]))
    client.post(reverse("library:follow_member", args=[alice.pk]))
    feed = client.get(reverse("library:my_feed"))
    assert [post.title for post in feed.context["page"]] == [new_ai.title, by_alice.title, old_ai.title]
    assert fab.title not in text(feed)
    client.post(reverse("library:follow_theme", args=["artificial_intelligence"]), {"suivre": "non"})
    assert [post.title for post in client.get(reverse("library:my_feed")).context["page"]] == [by_alice.title]


def test_the_feed_reads_a_fixed_number_of_queries(client, members, django_assert_max_num_queries):
    alice, bruno = members
    for _ in range(10):
        make_post(author=bruno, themes=("cybersecurity",))
    login(client, alice)
    client.post(reverse("library:follow_theme", args=["cybersecurity"]))
    with django_assert_max_num_queries(14):
        assert len(client.get(reverse("library:my_feed")).context["page"]) == 10


def test_nobody_follows_themselves(client, members):
    alice, _ = members
    login(client, alice)
    response = client.post(reverse("library:follow_member", args=[alice.pk]), follow=True)
    assert "Vous ne pouvez pas vous suivre vous-même." in text(response)


def test_each_theme_has_rss_and_atom_feeds_that_parse(client, members):
    make_post(author=members[0], themes=("cybersecurity",), title="Sécuriser son téléphone")
    make_post(author=members[0], themes=("virtual_reality",), title="Casques VR")
    rss = feedparser.parse(client.get(reverse("library:watch_theme_rss", args=["cybersecurity"])).content)
    atom = client.get(reverse("library:watch_theme_atom", args=["cybersecurity"]))
    assert atom["Content-Type"].startswith("application/atom+xml")
    parsed_atom = feedparser.parse(atom.content)
    assert not rss.bozo and not parsed_atom.bozo
    assert [entry.title for entry in rss.entries] == ["Sécuriser son téléphone"]
    assert [entry.title for entry in parsed_atom.entries] == ["Sécuriser son téléphone"]
    assert rss.feed.title.endswith("Cybersécurité et données personnelles")
    assert rss.entries[0].author == "Alice Martin"
    everything = feedparser.parse(client.get(reverse("library:watch_rss")).content)
    assert {entry.title for entry in everything.entries} == {"Sécuriser son téléphone", "Casques VR"}
    assert client.get(reverse("library:watch_theme_rss", args=["inconnu"])).status_code == 404


def test_a_hidden_post_leaves_the_public_watch(client, members):
    post = make_post(author=members[0], title="Lien douteux")
    login(client, coordinator())
    client.post(reverse("library:moderate_post", args=[post.pk]), {"action": "hide"})
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Lien douteux" not in text(client.get(reverse("library:watch")))
    assert not feedparser.parse(client.get(reverse("library:watch_rss")).content).entries


def _link(message, name: str) -> str:
    return re.search(rf"https?://\S+/veille/lettre/{name}/[\w-]+/", message.body).group(0)


def test_the_digest_needs_a_double_opt_in_and_leaves_in_one_click(members, django_capture_on_commit_callbacks):
    alice, bruno = members
    client = Client(enforce_csrf_checks=True)
    login(client, alice)
    client.get(reverse("library:my_feed"))
    csrf = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("library:digest_request"), {"csrfmiddlewaretoken": csrf})
    subscription = DigestSubscription.objects.get()
    assert subscription.status == DigestStatus.PENDING
    confirm = _link(mail.outbox[-1], "confirmer")
    path = confirm.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.get("/" + path)  # a mail scanner following the link subscribes nobody
    subscription.refresh_from_db()
    assert subscription.status == DigestStatus.PENDING
    anonymous.post("/" + path, {"csrfmiddlewaretoken": anonymous.cookies["csrftoken"].value})
    subscription.refresh_from_db()
    assert subscription.status == DigestStatus.ACTIVE

    make_post(author=bruno, title="Nouveauté du mois")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=timezone.now() + dt.timedelta(minutes=1)) == (1, 0)
    digest = mail.outbox[-1]
    assert digest.to == ["alice@example.org"] and "Nouveauté du mois" in digest.body
    unsubscribe = _link(digest, "desabonner")
    assert digest.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # What a mail program sends for RFC 8058: a bare POST, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        "/" + unsubscribe.split("://", 1)[1].split("/", 1)[1], {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == DigestStatus.UNSUBSCRIBED
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=timezone.now() + dt.timedelta(days=40)) == (0, 0)


def test_the_digest_is_monthly_and_never_empty(members, django_capture_on_commit_callbacks):
    alice, bruno = members
    now = timezone.now()
    DigestSubscription.objects.create(user=alice, status=DigestStatus.ACTIVE, confirmed_at=now - dt.timedelta(days=60))
    assert send_digests(now=now) == (0, 1)
    make_post(author=bruno, title="Premier")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=now + dt.timedelta(minutes=1)) == (1, 0)
        assert send_digests(now=now + dt.timedelta(days=3)) == (0, 1)
    assert len(mail.outbox) == 1


def test_an_expired_or_unknown_confirmation_link_says_so(client, members):
    subscription = DigestSubscription.objects.create(
        user=members[0], requested_at=timezone.now() - dt.timedelta(days=9)
    )
    response = client.post(reverse("library:digest_confirm", args=[subscription.token]))
    assert response.status_code == 400 and "Ce lien a expiré" in text(response)
    assert client.get(reverse("library:digest_confirm", args=["inconnu"])).status_code == 404
    assert client.post(reverse("library:digest_unsubscribe", args=["inconnu"])).status_code == 404
