"""RSS and Atom feeds of the club's watch, whole or per theme (Django's syndication framework)."""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from library.models import Theme, WatchPost
from library.names import public_name

FEED_SIZE = 50


class WatchFeed(Feed):
    language = "fr"

    def get_object(self, request: HttpRequest, code: str | None = None) -> Theme | None:
        return get_object_or_404(Theme, code=code) if code else None

    def title(self, theme: Theme | None) -> str:
        suffix = f" : {theme.label}" if theme else ""
        return f"{settings.SITE_NAME} — veille du club innovation{suffix}"

    def link(self, theme: Theme | None) -> str:
        if theme:
            return reverse("library:watch_theme", kwargs={"code": theme.code})
        return reverse("library:watch")

    def description(self, theme: Theme | None) -> str:
        return "Les liens partagés par les membres du club innovation, et pourquoi ils comptent."

    def items(self, theme: Theme | None) -> QuerySet:
        posts = WatchPost.objects.published().select_related("author").prefetch_related("themes")
        if theme:
            posts = posts.filter(themes=theme)
        return posts.order_by("-created_at", "-pk")[:FEED_SIZE]

    def item_title(self, item: WatchPost) -> str:
        return item.title

    def item_description(self, item: WatchPost) -> str:
        themes = ", ".join(theme.label for theme in item.themes.all())
        return f"{item.why}\n\nLien : {item.url}\nThèmes : {themes}"

    def item_link(self, item: WatchPost) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: WatchPost) -> str:
        return public_name(item.author)

    def item_pubdate(self, item: WatchPost) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: WatchPost) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: WatchPost) -> list[str]:
        return [theme.label for theme in item.themes.all()]


class WatchAtomFeed(WatchFeed):
    feed_type = Atom1Feed

    def subtitle(self, theme: Theme | None) -> str:
        return self.description(theme)
