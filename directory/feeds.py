"""RSS and Atom feeds of the places added or changed recently."""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.utils.feedgenerator import Atom1Feed

from directory.importers.licences import attribution
from directory.models import Place

FEED_SIZE = 50


class RecentPlacesFeed(Feed):
    title = f"{settings.SITE_NAME} — lieux ajoutés ou mis à jour"
    link = "/lieux/"
    description = "Les fiches de l'annuaire des lieux du numérique ajoutées ou modifiées récemment."
    language = "fr"

    def items(self) -> QuerySet:
        return Place.objects.select_related("commune").order_by("-updated_at", "-pk")[:FEED_SIZE]

    def item_title(self, item: Place) -> str:
        return f"{item.name} ({item.commune.name})"

    def item_description(self, item: Place) -> str:
        created = item.created_at.date() == item.updated_at.date()
        what = "Nouveau lieu" if created else "Fiche mise à jour"
        parts = [f"{what} le {item.updated_at:%d/%m/%Y}."]
        if item.is_closed:
            parts.append("Ce lieu a fermé définitivement.")
        if item.summary:
            parts.append(item.summary)
        parts.append(f"Source : {attribution(item.source, item.licence)}.")
        return " ".join(parts)

    def item_pubdate(self, item: Place) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Place) -> dt.datetime:
        return item.updated_at


class RecentPlacesAtomFeed(RecentPlacesFeed):
    feed_type = Atom1Feed
    subtitle = RecentPlacesFeed.description
