"""Every change of a request's state is one function here.

Each runs in a transaction, locks the request, checks that the move is
allowed and that the caller saw the latest version of the request, records
the event with its actor and time, and sends email only after commit.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demandes import notifications
from demandes.models import (
    Delivery,
    EventKind,
    NeedCategory,
    Orientation,
    OrientationStatus,
    Outcome,
    Reason,
    ReasonKind,
    Request,
    RequestEvent,
    RequestNeed,
    Status,
)
from directory.models import Place, PlaceStatus

# Which status may follow which. Closing is allowed from any open status.
ALLOWED: dict[str, set[str]] = {
    Status.NEW: {Status.QUALIFIED, Status.ORIENTED, Status.CLOSED},
    Status.QUALIFIED: {Status.NEW, Status.ORIENTED, Status.CLOSED},
    Status.ORIENTED: {Status.ORIENTED, Status.IN_PROGRESS, Status.QUALIFIED, Status.CLOSED},
    Status.IN_PROGRESS: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: set(),
}


class TransitionError(Exception):
    """A refused move, explained in French for the person who tried it."""


class StaleRequest(TransitionError):
    pass


def _lock(request: Request, expected_version: int | None) -> Request:
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRequest(
            "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la consultiez. "
            "Rechargez la page pour voir son état actuel, puis recommencez."
        )
    return locked


def _move(
    request: Request,
    to_status: str,
    *,
    kind: str,
    actor: User | None,
    actor_label: str = "",
    note: str = "",
    orientation: Orientation | None = None,
) -> RequestEvent:
    from_status = request.status
    if to_status not in ALLOWED[from_status]:
        before, after = Status(from_status).label.lower(), Status(to_status).label.lower()
        raise TransitionError(f"Une demande « {before} » ne peut pas passer à « {after} ».")
    request.status = to_status
    request.version += 1
    request.save()
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        orientation=orientation,
        note=note,
    )


def _event(
    request: Request,
    *,
    kind: str,
    actor: User | None,
    actor_label: str = "",
    note: str = "",
    orientation: Orientation | None = None,
) -> RequestEvent:
    request.version += 1
    request.save(update_fields=["version", "updated_at"])
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        from_status=request.status,
        to_status=request.status,
        orientation=orientation,
        note=note,
    )


def set_needs(
    *, request: Request, actor: User, categories: Sequence[NeedCategory], expected_version: int | None = None
) -> Request:
    """A coordinator corrects the needs found in the text; the request becomes qualified (or new if none)."""
    with transaction.atomic():
        locked = _lock(request, expected_version)
        if locked.status in (Status.CLOSED,):
            raise TransitionError("Une demande clôturée ne peut plus être modifiée.")
        evidence = {link.category_id: link.evidence for link in locked.need_links.all()}
        locked.need_links.all().delete()
        RequestNeed.objects.bulk_create(
            [
                RequestNeed(
                    request=locked, category=category, evidence=evidence.get(category.pk, []), by_coordinator=True
                )
                for category in categories
            ]
        )
        labels = ", ".join(category.label for category in categories) or "aucun"
        target = locked.status
        if locked.status in (Status.NEW, Status.QUALIFIED):
            target = Status.QUALIFIED if categories else Status.NEW
        if target == locked.status:
            _event(locked, kind=EventKind.QUALIFIED, actor=actor, note=f"Besoins : {labels}")
        else:
            _move(locked, target, kind=EventKind.QUALIFIED, actor=actor, note=f"Besoins : {labels}")
        return locked


def assign(*, request: Request, actor: User, assignee: User | None, expected_version: int | None = None) -> Request:
    with transaction.atomic():
        locked = _lock(request, expected_version)
        locked.assigned_to = assignee
        note = f"Suivie par {assignee.get_full_name()}" if assignee else "Plus de suivi attribué"
        _event(locked, kind=EventKind.ASSIGNED, actor=actor, note=note)
        return locked


def add_note(*, request: Request, actor: User, note: str, expected_version: int | None = None) -> Request:
    with transaction.atomic():
        locked = _lock(request, expected_version)
        _event(locked, kind=EventKind.NOTE, actor=actor, note=note.strip())
        return locked


@dataclass(frozen=True)
class Explanation:
    """What the engine says of a place for this request: its score and reasons; none when it would not suggest it."""

    score: float | None = None
    reasons: tuple[str, ...] = ()


def unreachable_message(places: Sequence[Place]) -> str:
    names = ", ".join(place.name for place in places)
    one = len(places) == 1
    return (
        f"{names} {'n’a' if one else 'n’ont'} ni courriel, ni gestionnaire, ni téléphone : la demande ne "
        f"pourrait pas {'lui' if one else 'leur'} parvenir. Complétez la fiche du lieu, ou choisissez un autre lieu."
    )


def orient(
    *,
    request: Request,
    actor: User,
    places: Iterable[Place],
    explanations: Mapping[int, Explanation] | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> list[Orientation]:
    """Send the request to one or more places: by email with a link valid a few days, or, to a place with no address
    but a phone number, as a call for the coordination to make (a task that stays in its queue until done).

    A place that can be reached neither way is refused, and nothing is sent: no orientation says "envoyée" when
    nothing left. ``explanations`` holds the engine's reasons for the places it would suggest; the others were
    chosen by the coordination alone.
    """
    places = list(places)
    if not places:
        raise TransitionError("Choisissez au moins un lieu.")
    explanations = explanations or {}
    message = note.strip()
    with transaction.atomic():
        locked = _lock(request, expected_version)
        if locked.status == Status.CLOSED:
            raise TransitionError("Une demande clôturée ne peut plus être orientée.")
        already = set(locked.orientations.active().values_list("place_id", flat=True))
        closed = [place.name for place in places if place.status != PlaceStatus.OPEN]
        if closed:
            raise TransitionError(f"Ces lieux ne sont pas ouverts : {', '.join(closed)}.")
        recipients = {place.pk: notifications.place_recipients(place) for place in places}
        unreachable = [place for place in places if not recipients[place.pk] and not place.phone.strip()]
        if unreachable:
            raise TransitionError(unreachable_message(unreachable))
        now = timezone.now()
        created = []
        for place in places:
            if place.pk in already:
                continue
            explanation = explanations.get(place.pk)
            by_phone = not recipients[place.pk]
            orientation = Orientation.objects.create(
                request=locked,
                place=place,
                sent_by=actor,
                sent_at=now,
                expires_at=now + dt.timedelta(days=settings.ORIENTATION_LINK_DAYS),
                score=explanation.score if explanation else None,
                reasons=list(explanation.reasons) if explanation else [],
                by_coordination=not (explanation and explanation.reasons),
                message=message,
                delivery=Delivery.PHONE if by_phone else Delivery.EMAIL,
                phone=place.phone.strip() if by_phone else "",
            )
            created.append(orientation)
        if not created:
            raise TransitionError("La demande est déjà envoyée à ces lieux.")
        target = Status.IN_PROGRESS if locked.status == Status.IN_PROGRESS else Status.ORIENTED
        emailed = [o.place.name for o in created if o.delivery == Delivery.EMAIL]
        phoned = [f"{o.place.name} ({o.phone})" for o in created if o.delivery == Delivery.PHONE]
        parts = []
        if emailed:
            parts.append(f"Envoyée par courriel à : {', '.join(emailed)}.")
        if phoned:
            parts.append(f"À transmettre par téléphone : {', '.join(phoned)}.")
        if message:
            parts.append(f"Message aux lieux : {message}")
        _move(locked, target, kind=EventKind.ORIENTED, actor=actor, note=" ".join(parts))
        for orientation in created:
            if orientation.delivery == Delivery.EMAIL:
                notifications.orientation_sent(orientation)
        return created


def mark_phoned(
    *, orientation: Orientation, actor: User, note: str = "", expected_version: int | None = None
) -> Orientation:
    """The coordinator called the place and passed the request on: the task leaves the queue."""
    with transaction.atomic():
        locked = _lock(orientation.request, expected_version)
        current = Orientation.objects.select_for_update().select_related("place").get(pk=orientation.pk)
        if current.request_id != locked.pk:
            raise TransitionError("Cette orientation ne concerne pas cette demande.")
        if current.delivery != Delivery.PHONE:
            raise TransitionError("Cette orientation est partie par courriel : il n'y a pas d'appel à passer.")
        if current.phoned_at is not None:
            raise TransitionError("Cette orientation a déjà été transmise par téléphone.")
        if current.status != OrientationStatus.SENT:
            raise TransitionError("Cette orientation n'attend plus de réponse.")
        current.phoned_at = timezone.now()
        current.phoned_by = actor
        current.save(update_fields=["phoned_at", "phoned_by"])
        text = f"{current.place.name} appelé au {current.phone}. {note.strip()}".strip()
        _event(locked, kind=EventKind.PHONED, actor=actor, note=text, orientation=current)
        return current


def _lock_orientation(orientation: Orientation) -> tuple[Orientation, Request]:
    locked = Orientation.objects.select_for_update().select_related("place").get(pk=orientation.pk)
    request = Request.objects.select_for_update().get(pk=locked.request_id)
    return locked, request


def accept(*, orientation: Orientation, actor: User | None, actor_label: str = "", note: str = "") -> Orientation:
    with transaction.atomic():
        locked, request = _lock_orientation(orientation)
        if locked.status != OrientationStatus.SENT:
            raise TransitionError("Cette orientation n'attend plus de réponse.")
        if timezone.now() >= locked.expires_at:
            raise TransitionError("Le délai de réponse est dépassé : la demande est revenue à la coordination.")
        locked.status = OrientationStatus.ACCEPTED
        locked.responded_at = timezone.now()
        locked.note = note.strip()
        locked.save()
        _move(
            request,
            Status.IN_PROGRESS,
            kind=EventKind.ACCEPTED,
            actor=actor,
            actor_label=actor_label or locked.place.name,
            note=note.strip(),
            orientation=locked,
        )
        notifications.orientation_accepted(locked)
        return locked


def decline(
    *, orientation: Orientation, actor: User | None, reason: Reason, actor_label: str = "", note: str = ""
) -> Orientation:
    if reason.kind != ReasonKind.DECLINE:
        raise TransitionError("Ce motif ne convient pas à un refus.")
    with transaction.atomic():
        locked, request = _lock_orientation(orientation)
        if locked.status != OrientationStatus.SENT:
            raise TransitionError("Cette orientation n'attend plus de réponse.")
        locked.status = OrientationStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.decline_reason = reason
        locked.note = note.strip()
        locked.save()
        label = actor_label or locked.place.name
        text = f"{reason.label}. {note}".strip()
        _event(request, kind=EventKind.DECLINED, actor=actor, actor_label=label, note=text, orientation=locked)
        _return_if_orphan(request, actor=None)
        notifications.orientation_declined(locked)
        return locked


def expire(*, orientation: Orientation) -> Orientation:
    """No answer in time: the orientation lapses and the request goes back to the queue if nothing else is active."""
    with transaction.atomic():
        locked, request = _lock_orientation(orientation)
        if locked.status != OrientationStatus.SENT:
            return locked
        locked.status = OrientationStatus.EXPIRED
        locked.save()
        _event(request, kind=EventKind.EXPIRED, actor=None, actor_label=locked.place.name, orientation=locked)
        _return_if_orphan(request, actor=None)
        notifications.orientation_expired(locked)
        return locked


def _return_if_orphan(request: Request, *, actor: User | None) -> None:
    if request.status == Status.ORIENTED and not request.orientations.active().exists():
        _move(
            request,
            Status.QUALIFIED,
            kind=EventKind.RETURNED,
            actor=actor,
            note="Aucun lieu n'a pris la demande : elle revient dans la file.",
        )


def mark_reminded(*, orientation: Orientation) -> None:
    with transaction.atomic():
        locked, request = _lock_orientation(orientation)
        if locked.status != OrientationStatus.SENT or locked.reminded_at:
            return
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        _event(request, kind=EventKind.REMINDED, actor=None, actor_label="Relance automatique", orientation=locked)
        notifications.orientation_reminder(locked)


def finish(
    *, orientation: Orientation, actor: User | None, outcome: str, actor_label: str = "", note: str = ""
) -> Orientation:
    """The place says how it ended; the request closes with that outcome."""
    if outcome not in Outcome.values:
        raise TransitionError("Choisissez une issue de la liste.")
    with transaction.atomic():
        locked, request = _lock_orientation(orientation)
        if locked.status != OrientationStatus.ACCEPTED:
            raise TransitionError("Seule une demande prise en charge peut être clôturée par le lieu.")
        locked.status = OrientationStatus.DONE
        locked.outcome = outcome
        if note.strip():
            locked.note = (locked.note + "\n" + note.strip()).strip()
        locked.save()
        others = request.orientations.filter(status=OrientationStatus.ACCEPTED).exclude(pk=locked.pk).exists()
        label = actor_label or locked.place.name
        text = f"Issue : {Outcome(outcome).label.lower()}. {note}".strip()
        if others:
            _event(request, kind=EventKind.NOTE, actor=actor, actor_label=label, note=text, orientation=locked)
        else:
            _close(request, outcome=outcome, reason=None, actor=actor, actor_label=label, note=text)
        return locked


def close(
    *,
    request: Request,
    actor: User,
    outcome: str,
    reason: Reason | None,
    note: str = "",
    expected_version: int | None = None,
) -> Request:
    if outcome not in Outcome.values:
        raise TransitionError("Choisissez une issue de la liste.")
    if reason is not None and reason.kind != ReasonKind.CLOSURE:
        raise TransitionError("Ce motif ne convient pas à une clôture.")
    with transaction.atomic():
        locked = _lock(request, expected_version)
        _close(locked, outcome=outcome, reason=reason, actor=actor, note=note)
        return locked


def _close(
    request: Request, *, outcome: str, reason: Reason | None, actor: User | None, actor_label: str = "", note: str = ""
) -> None:
    request.outcome = outcome
    request.closure_reason = reason
    request.closed_at = timezone.now()
    if outcome == Outcome.NO_SOLUTION:
        request.unmet = True
    text = " ".join(part for part in [reason.label + "." if reason else "", note.strip()] if part)
    _move(request, Status.CLOSED, kind=EventKind.CLOSED, actor=actor, actor_label=actor_label, note=text)
    for orientation in request.orientations.active():
        orientation.status = (
            OrientationStatus.DONE if orientation.status == OrientationStatus.ACCEPTED else OrientationStatus.EXPIRED
        )
        orientation.save(update_fields=["status"])
    notifications.request_closed(request)


REQUESTER = "La personne, depuis sa page de suivi"


def add_requester_detail(*, request: Request, text: str) -> Request:
    """The requester adds a detail from the tracking page; it joins the history and the coordinators are told."""
    text = text.strip()
    if not text:
        raise TransitionError("Écrivez la précision à ajouter.")
    with transaction.atomic():
        locked = _lock(request, None)
        if locked.status == Status.CLOSED:
            raise TransitionError("Cette demande est close : faites une nouvelle demande.")
        _event(locked, kind=EventKind.REQUESTER_DETAIL, actor=None, actor_label=REQUESTER, note=text)
        notifications.requester_added_detail(locked, text)
        return locked


def cancel_by_requester(*, request: Request, note: str = "") -> Request:
    """The requester no longer needs help: the request closes as abandoned and the places that hold it are told."""
    with transaction.atomic():
        locked = _lock(request, None)
        if locked.status == Status.CLOSED:
            raise TransitionError("Cette demande est déjà close.")
        holders = list(locked.orientations.active().select_related("place"))
        text = " ".join(part for part in ["Annulée par la personne.", note.strip()] if part)
        _close(locked, outcome=Outcome.ABANDONED, reason=None, actor=None, actor_label=REQUESTER, note=text)
        notifications.requester_cancelled(locked, holders)
        return locked


def return_from_closed_place(*, place: Place, actor: User | None, note: str) -> list[Request]:
    """A place closed for good: its open orientations end, and their requests come back to the queue.

    A request the place had taken (in progress) goes back too, unless another place holds it: the person still
    needs an answer. Returns the requests that came back.
    """
    returned: list[Request] = []
    with transaction.atomic():
        for orientation in list(place.orientations.active().order_by("pk")):
            locked, request = _lock_orientation(orientation)
            if locked.status not in (OrientationStatus.SENT, OrientationStatus.ACCEPTED):
                continue
            locked.status = OrientationStatus.DECLINED
            locked.responded_at = timezone.now()
            locked.note = note.strip()
            locked.save()
            text = f"Le lieu {locked.place.name} a fermé : {note.strip()}".strip()
            if request.status in (Status.ORIENTED, Status.IN_PROGRESS) and not request.orientations.active().exists():
                # In progress may not go back to qualified by any other path: only the place's closing allows it.
                from_status = request.status
                request.status = Status.QUALIFIED
                request.version += 1
                request.save()
                RequestEvent.objects.create(
                    request=request,
                    kind=EventKind.RETURNED,
                    actor=actor,
                    from_status=from_status,
                    to_status=Status.QUALIFIED,
                    orientation=locked,
                    note=text + " La demande revient dans la file.",
                )
                returned.append(request)
            else:
                _event(request, kind=EventKind.DECLINED, actor=actor, note=text, orientation=locked)
    return returned
