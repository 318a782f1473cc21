"""Writes on answer sheets: contributors write them, a coordinator reviews and publishes them, with a date."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from library import history
from library.access import can_contribute, can_edit, can_moderate
from library.actions import ActionRefused
from library.models import AnswerSheet, ChangeAction, SheetStatus

TRACKED = (
    "question",
    "summary",
    "body",
    "next_step",
    "themes",
    "need_categories",
    "resources",
    "status",
    "reviewer",
    "reviewed_on",
)


@dataclass
class SheetContent:
    question: str
    summary: str
    body: str
    themes: Sequence
    next_step: str = ""
    need_categories: Sequence = ()
    resources: Sequence = ()


def _apply(sheet: AnswerSheet, content: SheetContent) -> None:
    sheet.question = content.question.strip()
    sheet.summary = content.summary.strip()
    sheet.body = content.body.strip()
    sheet.next_step = content.next_step.strip()


def _relations(sheet: AnswerSheet, content: SheetContent) -> None:
    sheet.themes.set(content.themes)
    sheet.need_categories.set(content.need_categories)
    sheet.resources.set(content.resources)


def create_sheet(*, actor: User | None, content: SheetContent, status: str = SheetStatus.TO_REVIEW) -> AnswerSheet:
    """A new sheet waits for review. ``actor`` is None only for the shipped demo sheets."""
    if actor is not None and not can_contribute(actor):
        raise PermissionDenied
    if status == SheetStatus.PUBLISHED:
        raise ActionRefused("Une fiche est relue avant d'être publiée.")
    if not content.themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        sheet = AnswerSheet(created_by=actor, status=status)
        _apply(sheet, content)
        sheet.save()
        _relations(sheet, content)
        history.record(
            target=sheet, actor=actor, action=ChangeAction.CREATE, before=None, after=history.snapshot(sheet, TRACKED)
        )
    return sheet


def update_sheet(*, sheet: AnswerSheet, actor: User, content: SheetContent) -> AnswerSheet:
    """An edit of a published sheet sends it back to review: what is handed to people has been read again."""
    if not can_edit(actor, sheet):
        raise PermissionDenied
    if not content.themes:
        raise ActionRefused("Choisissez au moins un thème.")
    with transaction.atomic():
        locked = AnswerSheet.objects.select_for_update().get(pk=sheet.pk)
        before = history.snapshot(locked, TRACKED)
        _apply(locked, content)
        text_changed = any(
            history.snapshot(locked, (name,))[name] != before[name]
            for name in ("question", "summary", "body", "next_step")
        )
        if text_changed and locked.status == SheetStatus.PUBLISHED:
            locked.status = SheetStatus.TO_REVIEW
        locked.save()
        _relations(locked, content)
        history.record(
            target=locked, actor=actor, action=ChangeAction.EDIT, before=before, after=history.snapshot(locked, TRACKED)
        )
    return locked


def review_sheet(*, sheet: AnswerSheet, actor: User) -> AnswerSheet:
    """A coordinator read the sheet and vouches for it: it is published with their name and today's date."""
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = AnswerSheet.objects.select_for_update().get(pk=sheet.pk)
        before = history.snapshot(locked, TRACKED)
        locked.status, locked.reviewer, locked.reviewed_on = SheetStatus.PUBLISHED, actor, timezone.localdate()
        locked.save()
        history.record(
            target=locked,
            actor=actor,
            action=ChangeAction.REVIEW,
            before=before,
            after=history.snapshot(locked, TRACKED),
        )
    return locked


def unpublish_sheet(*, sheet: AnswerSheet, actor: User, note: str = "") -> AnswerSheet:
    if not can_moderate(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = AnswerSheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status != SheetStatus.PUBLISHED:
            raise ActionRefused("Cette fiche n'est pas publiée.")
        before = history.snapshot(locked, ("status",))
        locked.status = SheetStatus.TO_REVIEW
        locked.save()
        history.record(
            target=locked,
            actor=actor,
            action=ChangeAction.WITHDRAW,
            before=before,
            after=history.snapshot(locked, ("status",)),
            note=note,
        )
    return locked
