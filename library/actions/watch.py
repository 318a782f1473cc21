"""Writes of the club innovation's watch: posts, comments, follows, the monthly digest and the feeds' queue."""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from library import history
from library.access import can_contribute, can_moderate
from library.actions import ActionRefused
from library.models import (
    ChangeAction,
    DigestStatus,
    DigestSubscription,
    EntryStatus,
    FeedEntry,
    MemberFollow,
    PostStatus,
    Theme,
    ThemeFollow,
    WatchComment,
    WatchPost,
)

POST_TRACKED = ("title", "url", "why", "themes", "status")
# A confirmation link older than this no longer confirms: the member asks again.
CONFIRMATION_DAYS = 7
# The digest covers at most this many days, and is not sent twice within DIGEST_MIN_DAYS.
DIGEST_DAYS = 31
DIGEST_MIN_DAYS = 25
DIGEST_MAX_POSTS = 30


def share_post(
    *, author: User, title: str, url: str, why: str, themes: Sequence[Theme], entry: FeedEntry | None = None
) -> WatchPost:
    if not can_contribute(author):
        raise PermissionDenied
    if not themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        post = WatchPost.objects.create(author=author, title=title.strip(), url=url.strip(), why=why.strip())
        post.themes.set(themes)
        history.record(
            target=post,
            actor=author,
            action=ChangeAction.CREATE,
            before=None,
            after=history.snapshot(post, POST_TRACKED),
        )
        if entry is not None:
            locked = FeedEntry.objects.select_for_update().get(pk=entry.pk)
            if locked.status != EntryStatus.PENDING:
                raise ActionRefused("Cet article a déjà été relu par un autre membre.")
            locked.status, locked.post = EntryStatus.PUBLISHED, post
            locked.reviewed_by, locked.reviewed_at = author, timezone.now()
            locked.save(update_fields=["status", "post", "reviewed_by", "reviewed_at"])
    return post


def update_post(*, post: WatchPost, actor: User, title: str, url: str, why: str, themes: Sequence[Theme]) -> WatchPost:
    if not (post.author_id == actor.pk and can_contribute(actor)) and not can_moderate(actor):
        raise PermissionDenied
    if not themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        locked = WatchPost.objects.select_for_update().get(pk=post.pk)
        before = history.snapshot(locked, POST_TRACKED)
        locked.title, locked.url, locked.why = title.strip(), url.strip(), why.strip()
        locked.save()
        locked.themes.set(themes)
        history.record(
            target=locked,
            actor=actor,
            action=ChangeAction.EDIT,
            before=before,
            after=history.snapshot(locked, POST_TRACKED),
        )
    return locked


def set_post_hidden(*, post: WatchPost, actor: User, hidden: bool, note: str = "") -> WatchPost:
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = WatchPost.objects.select_for_update().get(pk=post.pk)
        before = history.snapshot(locked, ("status",))
        locked.status = PostStatus.HIDDEN if hidden else PostStatus.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        history.record(
            target=locked,
            actor=actor,
            action=ChangeAction.HIDE if hidden else ChangeAction.PUBLISH,
            before=before,
            after=history.snapshot(locked, ("status",)),
            note=note,
        )
    return locked


def add_comment(*, post: WatchPost, author: User, body: str) -> WatchComment:
    if not can_contribute(author):
        raise PermissionDenied
    if post.status != PostStatus.PUBLISHED:
        raise ActionRefused("On ne commente pas un article masqué.")
    with transaction.atomic():
        comment = WatchComment.objects.create(post=post, author=author, body=body.strip())
        if post.author_id != author.pk and post.author.is_active:
            send_after_commit(
                to=[post.author.email],
                template="library/email/new_comment",
                context={"post": post, "comment": comment, "url": settings.SITE_URL + post.get_absolute_url()},
            )
    return comment


def set_comment_hidden(*, comment: WatchComment, actor: User, hidden: bool) -> WatchComment:
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        comment.hidden = hidden
        comment.save(update_fields=["hidden"])
        history.record(
            target=comment.post,
            actor=actor,
            action=ChangeAction.HIDE,
            before={},
            after={},
            note=f"Commentaire de {comment.author} {'masqué' if hidden else 'rétabli'}",
        )
    return comment


def follow_theme(*, user: User, theme: Theme, follow: bool) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        if follow:
            ThemeFollow.objects.get_or_create(user=user, theme=theme)
        else:
            ThemeFollow.objects.filter(user=user, theme=theme).delete()


def follow_member(*, user: User, member: User, follow: bool) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    if member.pk == user.pk:
        raise ActionRefused("Vous ne pouvez pas vous suivre vous-même.")
    with transaction.atomic():
        if follow:
            MemberFollow.objects.get_or_create(follower=user, followed=member)
        else:
            MemberFollow.objects.filter(follower=user, followed=member).delete()


def request_digest(*, user: User) -> DigestSubscription:
    """Ask for the monthly digest: nothing is sent until the member clicks the link emailed to them."""
    if not can_contribute(user):
        raise PermissionDenied
    with transaction.atomic():
        subscription, _ = DigestSubscription.objects.select_for_update().get_or_create(user=user)
        if subscription.status == DigestStatus.ACTIVE:
            raise ActionRefused("Vous êtes déjà abonné à la lettre de veille.")
        subscription.status = DigestStatus.PENDING
        subscription.requested_at = timezone.now()
        subscription.save(update_fields=["status", "requested_at"])
        send_after_commit(
            to=[user.email],
            template="library/email/digest_confirm",
            context={
                "url": settings.SITE_URL + reverse("library:digest_confirm", kwargs={"token": subscription.token}),
                "days": CONFIRMATION_DAYS,
            },
        )
    return subscription


def confirm_digest(*, token: str, now: dt.datetime | None = None) -> DigestSubscription:
    now = now or timezone.now()
    with transaction.atomic():
        subscription = DigestSubscription.objects.select_for_update().filter(token=token).first()
        if subscription is None:
            raise ActionRefused("Ce lien de confirmation n'est pas valable.")
        if subscription.status == DigestStatus.ACTIVE:
            return subscription
        if subscription.status != DigestStatus.PENDING:
            raise ActionRefused("Cet abonnement a été arrêté : demandez-le de nouveau depuis la page de la veille.")
        if subscription.requested_at < now - dt.timedelta(days=CONFIRMATION_DAYS):
            raise ActionRefused("Ce lien a expiré : demandez de nouveau l'abonnement depuis la page de la veille.")
        subscription.status, subscription.confirmed_at = DigestStatus.ACTIVE, now
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


def unsubscribe_digest(*, token: str) -> DigestSubscription:
    with transaction.atomic():
        subscription = DigestSubscription.objects.select_for_update().filter(token=token).first()
        if subscription is None:
            raise ActionRefused("Ce lien de désabonnement n'est pas valable.")
        if subscription.status != DigestStatus.UNSUBSCRIBED:
            subscription.status, subscription.unsubscribed_at = DigestStatus.UNSUBSCRIBED, timezone.now()
            subscription.save(update_fields=["status", "unsubscribed_at"])
    return subscription


def digest_posts(user: User, *, since: dt.datetime, until: dt.datetime) -> list[WatchPost]:
    """What one member's digest holds: their own feed if they follow anything, else the whole watch."""
    posts = WatchPost.objects.published()
    if ThemeFollow.objects.filter(user=user).exists() or MemberFollow.objects.filter(follower=user).exists():
        posts = WatchPost.objects.followed_by(user)
    posts = posts.filter(created_at__gte=since, created_at__lt=until).order_by("-created_at", "-pk")
    return list(posts.select_related("author").prefetch_related("themes")[:DIGEST_MAX_POSTS])


def send_digests(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Send the month's digest to every confirmed member who has not had one lately; return (sent, skipped).

    A member with nothing new gets no empty email. The unsubscribe link works in one click, and the
    List-Unsubscribe headers let mail programs offer it too (RFC 8058).
    """
    now = now or timezone.now()
    sent = skipped = 0
    due = DigestSubscription.objects.filter(status=DigestStatus.ACTIVE, user__is_active=True).select_related("user")
    for subscription in due:
        if subscription.last_sent_at and subscription.last_sent_at > now - dt.timedelta(days=DIGEST_MIN_DAYS):
            skipped += 1
            continue
        since = max(subscription.last_sent_at or subscription.confirmed_at or now, now - dt.timedelta(days=DIGEST_DAYS))
        since = min(since, now - dt.timedelta(days=DIGEST_MIN_DAYS))
        posts = digest_posts(subscription.user, since=since, until=now)
        if not posts:
            skipped += 1
            continue
        unsubscribe = settings.SITE_URL + reverse("library:digest_unsubscribe", kwargs={"token": subscription.token})
        with transaction.atomic():
            locked = DigestSubscription.objects.select_for_update().get(pk=subscription.pk)
            if locked.status != DigestStatus.ACTIVE:
                continue
            locked.last_sent_at = now
            locked.save(update_fields=["last_sent_at"])
            send_after_commit(
                to=[subscription.user.email],
                template="library/email/digest",
                context={"posts": posts, "since": since, "unsubscribe_url": unsubscribe},
                headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            )
        sent += 1
    return sent, skipped


def dismiss_entry(*, entry: FeedEntry, actor: User) -> FeedEntry:
    if not can_contribute(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = FeedEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.PENDING:
            raise ActionRefused("Cet article a déjà été relu par un autre membre.")
        locked.status, locked.reviewed_by, locked.reviewed_at = EntryStatus.DISMISSED, actor, timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return locked


def queue_entries(*, source: object, entries: Sequence[object], now: dt.datetime | None = None) -> int:
    """Put a feed's new items in the review queue; an item already seen (same guid) is left alone."""
    now = now or timezone.now()
    created = 0
    with transaction.atomic():
        known = set(FeedEntry.objects.filter(source=source).values_list("guid", flat=True))
        for entry in entries:
            if entry.guid in known:
                continue
            try:
                with transaction.atomic():
                    FeedEntry.objects.create(
                        source=source,
                        guid=entry.guid,
                        title=entry.title,
                        url=entry.url,
                        summary=entry.summary,
                        published_at=entry.published_at,
                        fetched_at=now,
                    )
            except IntegrityError:
                continue
            known.add(entry.guid)
            created += 1
        source.last_fetched_at, source.last_error = now, ""
        source.save(update_fields=["last_fetched_at", "last_error"])
    return created
