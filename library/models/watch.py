import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from library.matching import folded_words
from library.models.vocabularies import Theme


class PostStatus(models.TextChoices):
    PUBLISHED = "published", "Publié"
    HIDDEN = "hidden", "Masqué par la coordination"


class WatchPostQuerySet(models.QuerySet):
    def published(self) -> "WatchPostQuerySet":
        return self.filter(status=PostStatus.PUBLISHED)

    def for_list(self) -> "WatchPostQuerySet":
        return (
            self.select_related("author")
            .prefetch_related("themes")
            .annotate(comment_count=models.Count("comments", filter=models.Q(comments__hidden=False)))
            .order_by("-created_at", "-pk")
        )

    def followed_by(self, user: object) -> "WatchPostQuerySet":
        """The personal feed: posts in a theme or by a member the person follows; nothing else, newest first."""
        themes = ThemeFollow.objects.filter(user=user).values("theme")
        members = MemberFollow.objects.filter(follower=user).values("followed")
        return (
            self.published()
            .filter(models.Q(themes__in=themes) | models.Q(author__in=members))
            .distinct()
            .order_by("-created_at", "-pk")
        )


class WatchPost(models.Model):
    """A member of the club innovation shares a link and says in a few lines why it matters."""

    title = models.CharField("titre", max_length=200)
    url = models.URLField("lien", max_length=500)
    why = models.TextField("pourquoi c'est utile", max_length=1000)
    themes = models.ManyToManyField(Theme, related_name="watch_posts", verbose_name="thèmes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_posts", verbose_name="partagé par"
    )
    status = models.CharField("état", max_length=20, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    created_at = models.DateTimeField("partagé le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)

    objects = WatchPostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "article de veille"
        verbose_name_plural = "veille"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PostStatus.values), name="library_watch_post_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_title = folded_words(self.title)
        self.search_body = folded_words(self.why)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:post", kwargs={"pk": self.pk})


class WatchComment(models.Model):
    post = models.ForeignKey(WatchPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField("commentaire", max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField("masqué", default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "commentaire"

    def __str__(self) -> str:
        return f"{self.author} — {self.post}"


class ThemeFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_themes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "thème suivi"
        constraints = [models.UniqueConstraint(fields=["user", "theme"], name="library_unique_theme_follow")]

    def __str__(self) -> str:
        return f"{self.user} → {self.theme}"


class MemberFollow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_members")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "membre suivi"
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="library_unique_member_follow"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="library_member_follow_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followed}"


class DigestStatus(models.TextChoices):
    PENDING = "pending", "En attente de confirmation"
    ACTIVE = "active", "Abonné"
    UNSUBSCRIBED = "unsubscribed", "Désabonné"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class DigestSubscription(models.Model):
    """The monthly digest of the watch, sent only after the member confirmed by email (double opt-in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_digest")
    status = models.CharField("état", max_length=20, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    # One secret per subscription, in the confirmation link and in every digest's unsubscribe link.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désabonné le", null=True, blank=True)
    last_sent_at = models.DateTimeField("dernière lettre le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement à la lettre de veille"
        verbose_name_plural = "abonnements à la lettre de veille"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DigestStatus.values), name="library_digest_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"


class FeedSource(models.Model):
    """An RSS or Atom feed the club follows; its new items wait in a queue until a member reviews them."""

    title = models.CharField("nom", max_length=200)
    url = models.URLField("adresse du flux", max_length=500, unique=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name="thèmes proposés")
    active = models.BooleanField("relevé", default=True)
    last_fetched_at = models.DateTimeField("dernier relevé", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "flux suivi"
        verbose_name_plural = "flux suivis"

    def __str__(self) -> str:
        return self.title


class EntryStatus(models.TextChoices):
    PENDING = "pending", "À relire"
    PUBLISHED = "published", "Publié dans la veille"
    DISMISSED = "dismissed", "Écarté"


class FeedEntry(models.Model):
    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=500)
    title = models.CharField("titre", max_length=300)
    url = models.URLField("lien", max_length=500)
    summary = models.TextField("résumé", blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    fetched_at = models.DateTimeField("relevé le", default=timezone.now)
    status = models.CharField("état", max_length=20, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    post = models.OneToOneField(WatchPost, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-published_at", "-fetched_at"]
        verbose_name = "article proposé par un flux"
        verbose_name_plural = "articles proposés par les flux"
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="library_unique_feed_entry"),
            models.CheckConstraint(
                condition=models.Q(status__in=EntryStatus.values), name="library_feed_entry_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title
