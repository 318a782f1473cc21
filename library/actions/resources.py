"""Writes on resources, their votes, reports and collections: one function each, recording who acted."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from library import history
from library.access import can_contribute, can_edit, can_moderate
from library.actions import ActionRefused
from library.models import (
    Audience,
    ChangeAction,
    Collection,
    CollectionItem,
    ReportStatus,
    Resource,
    ResourceReport,
    ResourceStatus,
    ResourceVote,
    Theme,
)
from library.uploads import CheckedFile

TRACKED = (
    "title",
    "summary",
    "description",
    "url",
    "file",
    "licence",
    "author_credit",
    "format",
    "level",
    "easy_read",
    "language",
    "themes",
    "audiences",
    "accessibility",
    "places",
    "need_categories",
    "status",
)
SCALARS = ("title", "summary", "description", "licence", "author_credit", "format", "level", "easy_read", "language")


@dataclass
class Upload:
    checked: CheckedFile
    data: bytes


@dataclass
class ResourceContent:
    """What a contributor describes; the same for a new resource and an edit."""

    title: str
    summary: str
    themes: Sequence[Theme]
    url: str = ""
    upload: Upload | None = None
    description: str = ""
    licence: str = "etalab-2.0"
    author_credit: str = ""
    format: str = "guide"
    level: str = "beginner"
    easy_read: bool = False
    language: str = "fr"
    audiences: Sequence[Audience] = ()
    accessibility: Sequence = ()
    places: Sequence = ()
    need_categories: Sequence = ()
    keep_file: bool = field(default=False)


def _apply(resource: Resource, content: ResourceContent) -> str | None:
    """Copy the content onto the resource; return the name of a file that is no longer used."""
    for name in SCALARS:
        value = getattr(content, name)
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    old_file = resource.file.name if resource.file else None
    if content.upload is not None:
        checked = content.upload.checked
        resource.file.save(f"upload{checked.extension}", ContentFile(content.upload.data), save=False)
        resource.file_type, resource.file_size, resource.file_name = checked.mime, checked.size, checked.name
        resource.url = ""
        return old_file
    if content.url:
        resource.url = content.url.strip()
        resource.file = ""
        resource.file_type, resource.file_size, resource.file_name = "", None, ""
        return old_file
    if not (content.keep_file and old_file):
        raise ActionRefused("Donnez un lien ou joignez un fichier.")
    return None


def _set_relations(resource: Resource, content: ResourceContent) -> None:
    resource.themes.set(content.themes)
    resource.audiences.set(content.audiences)
    resource.accessibility.set(content.accessibility)
    resource.places.set(content.places)
    resource.need_categories.set(content.need_categories)


def _forget_file_after_commit(name: str | None) -> None:
    if name:
        from django.core.files.storage import default_storage

        transaction.on_commit(lambda: default_storage.delete(name))


def create_resource(*, actor: User, content: ResourceContent) -> Resource:
    if not can_contribute(actor):
        raise PermissionDenied
    if not content.themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        resource = Resource(created_by=actor, status=ResourceStatus.DRAFT)
        _apply(resource, content)
        resource.save()
        _set_relations(resource, content)
        history.record(
            target=resource,
            actor=actor,
            action=ChangeAction.CREATE,
            before=None,
            after=history.snapshot(resource, TRACKED),
        )
        send_after_commit(
            to=User.objects.coordinator_emails(),
            template="library/email/resource_to_publish",
            context={"resource": resource, "actor": actor, "url": settings.SITE_URL + reverse("library:moderation")},
        )
    return resource


def update_resource(*, resource: Resource, actor: User, content: ResourceContent) -> Resource:
    if not can_edit(actor, resource):
        raise PermissionDenied
    if not content.themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        before = history.snapshot(locked, TRACKED)
        unused = _apply(locked, content)
        locked.save()
        _set_relations(locked, content)
        history.record(
            target=locked, actor=actor, action=ChangeAction.EDIT, before=before, after=history.snapshot(locked, TRACKED)
        )
        _forget_file_after_commit(unused)
    return locked


def _set_status(resource: Resource, *, actor: User, status: str, action: str, note: str = "") -> Resource:
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.status == status:
            raise ActionRefused("Cette ressource est déjà dans cet état.")
        before = history.snapshot(locked, ("status",))
        locked.status = status
        fields = ["status", "updated_at"]
        if status == ResourceStatus.PUBLISHED:
            locked.published_at, locked.published_by = timezone.now(), actor
            fields += ["published_at", "published_by"]
        locked.save(update_fields=fields)
        history.record(
            target=locked,
            actor=actor,
            action=action,
            before=before,
            after=history.snapshot(locked, ("status",)),
            note=note,
        )
    return locked


def publish_resource(*, resource: Resource, actor: User) -> Resource:
    return _set_status(resource, actor=actor, status=ResourceStatus.PUBLISHED, action=ChangeAction.PUBLISH)


def withdraw_resource(*, resource: Resource, actor: User, note: str = "") -> Resource:
    return _set_status(resource, actor=actor, status=ResourceStatus.WITHDRAWN, action=ChangeAction.WITHDRAW, note=note)


def set_vote(*, resource: Resource, user: User, useful: bool) -> int:
    """Say a published resource is useful, or take it back; return how many members find it useful."""
    if not user.is_authenticated:
        raise PermissionDenied
    if resource.status != ResourceStatus.PUBLISHED:
        raise ActionRefused("On ne vote que pour une ressource publiée.")
    with transaction.atomic():
        if useful:
            ResourceVote.objects.get_or_create(resource=resource, user=user)
        else:
            ResourceVote.objects.filter(resource=resource, user=user).delete()
    return ResourceVote.objects.filter(resource=resource).count()


def report_resource(
    *, resource: Resource, kind: str, message: str, contact: str = "", reporter: User | None = None
) -> ResourceReport:
    with transaction.atomic():
        report = ResourceReport.objects.create(
            resource=resource,
            kind=kind,
            message=message.strip(),
            contact=contact.strip(),
            reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        )
        send_after_commit(
            to=User.objects.coordinator_emails(),
            template="library/email/report_received",
            context={"report": report, "resource": resource, "url": settings.SITE_URL + reverse("library:moderation")},
        )
    return report


def handle_report(*, report: ResourceReport, actor: User, resolved: bool, response: str = "") -> ResourceReport:
    """Close a report: the resource was corrected (or withdrawn), or the report is set aside."""
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = ResourceReport.objects.select_for_update().select_related("resource").get(pk=report.pk)
        if locked.status != ReportStatus.OPEN:
            raise ActionRefused("Ce signalement a déjà été traité.")
        locked.status = ReportStatus.RESOLVED if resolved else ReportStatus.DISMISSED
        locked.handled_by, locked.handled_at, locked.response = actor, timezone.now(), response.strip()
        locked.save(update_fields=["status", "handled_by", "handled_at", "response"])
        history.record(
            target=locked.resource,
            actor=actor,
            action=ChangeAction.REPORT,
            before={},
            after={},
            note=f"Signalement « {locked.get_kind_display().lower()} » {locked.get_status_display().lower()}"
            + (f" : {locked.response}" if locked.response else ""),
        )
    return locked


def create_collection(
    *, owner: User, title: str, description: str = "", is_public: bool = False, by_coordination: bool = False
) -> Collection:
    if not can_contribute(owner):
        raise PermissionDenied
    if by_coordination and not can_moderate(owner):
        raise PermissionDenied
    with transaction.atomic():
        return Collection.objects.create(
            owner=owner,
            title=title.strip(),
            description=description.strip(),
            is_public=is_public,
            by_coordination=by_coordination,
        )


def _require_owner(collection: Collection, actor: User) -> None:
    if not (collection.owner_id == actor.pk or (collection.by_coordination and can_moderate(actor))):
        raise PermissionDenied


def update_collection(
    *, collection: Collection, actor: User, title: str, description: str, is_public: bool
) -> Collection:
    _require_owner(collection, actor)
    with transaction.atomic():
        collection.title, collection.description, collection.is_public = title.strip(), description.strip(), is_public
        collection.save()
    return collection


def add_to_collection(*, collection: Collection, resource: Resource, actor: User, note: str = "") -> CollectionItem:
    _require_owner(collection, actor)
    if resource.status != ResourceStatus.PUBLISHED:
        raise ActionRefused("Seule une ressource publiée peut entrer dans une collection.")
    with transaction.atomic():
        Collection.objects.select_for_update().get(pk=collection.pk)
        if collection.items.filter(resource=resource).exists():
            raise ActionRefused("Cette ressource est déjà dans la collection.")
        last = collection.items.aggregate(last=Max("position"))["last"]
        return CollectionItem.objects.create(
            collection=collection, resource=resource, note=note.strip(), position=(last or 0) + 1
        )


def remove_from_collection(*, item: CollectionItem, actor: User) -> None:
    _require_owner(item.collection, actor)
    with transaction.atomic():
        item.delete()


def move_in_collection(*, item: CollectionItem, actor: User, up: bool) -> None:
    """Swap an item with its neighbour above or below."""
    _require_owner(item.collection, actor)
    with transaction.atomic():
        Collection.objects.select_for_update().get(pk=item.collection_id)
        items = list(item.collection.items.order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        neighbour = index - 1 if up else index + 1
        if not 0 <= neighbour < len(items):
            return
        items[index], items[neighbour] = items[neighbour], items[index]
        for position, other in enumerate(items, start=1):
            if other.position != position:
                other.position = position
                other.save(update_fields=["position"])
