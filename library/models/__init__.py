"""The library's models: resources, the club's watch, the agenda, answer sheets, and their history.

Other apps link to these through their public names here (the roadmap links action sheets to
``Resource``; ``Resource.objects.published()`` is what may be shown to anyone).
"""

from library.models.agenda import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from library.models.history import ChangeAction, LibraryChange
from library.models.resources import (
    TOOL_FORMATS,
    Collection,
    CollectionItem,
    Language,
    Level,
    Licence,
    ReportKind,
    ReportStatus,
    Resource,
    ResourceFormat,
    ResourceReport,
    ResourceStatus,
    ResourceVote,
)
from library.models.sheets import AnswerSheet, SheetStatus
from library.models.vocabularies import Audience, Theme
from library.models.watch import (
    DigestStatus,
    DigestSubscription,
    EntryStatus,
    FeedEntry,
    FeedSource,
    MemberFollow,
    PostStatus,
    ThemeFollow,
    WatchComment,
    WatchPost,
)

__all__ = [
    "TOOL_FORMATS",
    "AnswerSheet",
    "Audience",
    "ChangeAction",
    "Collection",
    "CollectionItem",
    "DigestStatus",
    "DigestSubscription",
    "EntryStatus",
    "Event",
    "EventKind",
    "EventStatus",
    "FeedEntry",
    "FeedSource",
    "Language",
    "Level",
    "LibraryChange",
    "Licence",
    "MemberFollow",
    "PostStatus",
    "Registration",
    "RegistrationMode",
    "RegistrationStatus",
    "ReportKind",
    "ReportStatus",
    "Resource",
    "ResourceFormat",
    "ResourceReport",
    "ResourceStatus",
    "ResourceVote",
    "SheetStatus",
    "Theme",
    "ThemeFollow",
    "WatchComment",
    "WatchPost",
]
