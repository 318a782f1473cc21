"""Requesters' personal data: find one person's requests, export them, erase them, and anonymise old ones."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from aiguillage.lib.dates import add_months
from demandes.models import ContactView, EventKind, IdempotentSubmission, Request, RequestEvent, Status

ERASED = "[anonymisé]"


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def find_person(requests: QuerySet, query: str) -> list[Request]:
    """Requests whose contact email equals query, or whose phone has the same digits."""
    query = query.strip()
    found = {req.pk: req for req in requests.filter(contact_email__iexact=query)} if "@" in query else {}
    digits = _digits(query)
    if len(digits) >= 6:
        wanted = digits[-9:]
        for req in requests.exclude(contact_phone=""):
            if _digits(req.contact_phone).endswith(wanted):
                found[req.pk] = req
    return sorted(found.values(), key=lambda req: req.created_at)


def export(requests: Iterable[Request]) -> dict:
    return {
        "demandes": [
            {
                "reference": req.reference,
                "recue_le": req.created_at.isoformat(),
                "besoin": req.description,
                "commune": {"code": req.commune.code, "nom": req.commune.name},
                "demandeur": req.get_audience_display(),
                "situation": [term.label for term in req.situations.all()],
                "accessibilite": [term.label for term in req.accessibility_needs.all()],
                "nombre_de_pieces": req.quantity,
                "nom": req.contact_name,
                "courriel": req.contact_email,
                "telephone": req.contact_phone,
                "consentement": req.consent,
                "etat": req.get_status_display(),
                "orientations": [
                    {"lieu": orientation.place.name, "etat": orientation.get_status_display()}
                    for orientation in req.orientations.select_related("place")
                ],
                # Who saw the person's contact details, and when (the viewers' own addresses stay out).
                "consultations_des_coordonnees": [
                    {
                        "le": view.viewed_at.isoformat(),
                        "par": view.viewer_label or (str(view.viewer) if view.viewer else "compte supprimé"),
                        "depuis": view.context,
                    }
                    for view in req.contact_views.select_related("viewer").order_by("viewed_at")
                ],
            }
            for req in requests
        ]
    }


def anonymize(request: Request, *, actor: User | None, note: str) -> None:
    """Remove everything that identifies the person, and their health data (accessibility needs); keep what the
    observatory counts (needs, commune, dates). The log of who saw the contact details is kept apart, for its
    own retention period (ACCESS_LOG_RETENTION_MONTHS): it proves who accessed the data."""
    with transaction.atomic():
        locked = Request.objects.select_for_update().get(pk=request.pk)
        if locked.anonymized_at is not None:
            return
        locked.description = ERASED
        locked.contact_name = ""
        locked.contact_email = ""
        locked.contact_phone = ""
        locked.anonymized_at = timezone.now()
        locked.version += 1
        locked.save()
        locked.situations.clear()
        locked.accessibility_needs.clear()
        locked.need_links.update(evidence=[])
        locked.orientations.update(note="")
        locked.events.exclude(kind=EventKind.ANONYMIZED).update(note="")
        IdempotentSubmission.objects.filter(request=locked).delete()
        RequestEvent.objects.create(
            request=locked,
            kind=EventKind.ANONYMIZED,
            actor=actor,
            from_status=locked.status,
            to_status=locked.status,
            note=note,
        )


def erase(*, requests: Iterable[Request], actor: User) -> int:
    count = 0
    for request in requests:
        anonymize(request, actor=actor, note="Données effacées à la demande de la personne.")
        count += 1
    return count


def purge_access_log(*, now: dt.datetime | None = None) -> int:
    """Delete the views of contact details older than ACCESS_LOG_RETENTION_MONTHS."""
    limit = add_months(timezone.localdate(now or timezone.now()), -settings.ACCESS_LOG_RETENTION_MONTHS)
    deleted, _ = ContactView.objects.filter(viewed_at__date__lt=limit).delete()
    return deleted


def anonymize_expired(*, now: dt.datetime | None = None) -> int:
    """Anonymise requests closed for longer than the retention period."""
    now = now or timezone.now()
    limit = add_months(timezone.localdate(now), -settings.REQUEST_RETENTION_MONTHS)
    due = Request.objects.filter(status=Status.CLOSED, anonymized_at__isnull=True, closed_at__date__lt=limit)
    count = 0
    for request in due.iterator():
        anonymize(request, actor=None, note=f"Clôturée depuis plus de {settings.REQUEST_RETENTION_MONTHS} mois.")
        count += 1
    return count
