"""Reading the RSS and Atom feeds the club follows (feedparser), into a queue a member reviews.

Nothing is published from here: items wait in ``FeedEntry`` until a member writes why they matter. The
network is touched only by ``fetch_feed``, which the management command calls; tests read recorded files.
"""

import datetime as dt
import html
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import feedparser
from django.utils import timezone
from django.utils.html import strip_tags

from library.actions.watch import queue_entries
from library.models import FeedSource

MAX_FEED_BYTES = 2 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 20
MAX_ENTRIES = 50


class FeedError(Exception):
    """A feed that could not be read, in French."""


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    title: str
    url: str
    summary: str
    published_at: dt.datetime | None


def _plain(value: str) -> str:
    """Feed text as plain words: tags become spaces, entities become characters."""
    return " ".join(html.unescape(strip_tags(value.replace("<", " <"))).split())


def _when(entry: feedparser.FeedParserDict) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return dt.datetime(*parsed[:6], tzinfo=dt.UTC)


def parse_feed(content: bytes) -> list[ParsedEntry]:
    """The usable items of a feed, newest first as the feed gives them; items without a web link are skipped."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise FeedError("Ce flux est illisible (ni RSS ni Atom valable).")
    entries = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        link = (entry.get("link") or "").strip()
        if not link.startswith(("https://", "http://")):
            continue
        title = _plain(entry.get("title") or link)[:300]
        summary = _plain(entry.get("summary") or "")[:2000]
        guid = (entry.get("id") or link)[:500]
        entries.append(ParsedEntry(guid=guid, title=title, url=link[:500], summary=summary, published_at=_when(entry)))
    return entries


def fetch_feed(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "aiguillage-veille/1.0"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only
        data = response.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("Ce flux est trop gros.")
    return data


def import_source(source: FeedSource, *, fetch: Callable[[str], bytes] = fetch_feed) -> int:
    """Read one source and queue its new items; a failure is recorded on the source, for the coordinators."""
    if not source.url.startswith(("https://", "http://")):
        raise FeedError("Seules les adresses http et https sont relevées.")
    try:
        entries = parse_feed(fetch(source.url))
    except (FeedError, OSError, ValueError) as error:
        source.last_error = str(error)[:300] or "Flux injoignable."
        source.last_fetched_at = timezone.now()
        source.save(update_fields=["last_error", "last_fetched_at"])
        return 0
    return queue_entries(source=source, entries=entries)
