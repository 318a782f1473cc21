import datetime as dt

from django.utils import timezone

from demandes.intake import Created, create_request
from demandes.models import Channel, NeedCategory, Orientation, Reason, Request
from territory.models import Commune


def make_request(
    description: str = "Je voudrais imprimer une pièce en 3D pour réparer mon lave-vaisselle",
    *,
    commune: str = "58149",
    **fields: object,
) -> Created:
    fields.setdefault("channel", Channel.WEB)
    fields.setdefault("contact_email", "demandeur@example.org")
    fields.setdefault("consent", True)
    return create_request(description=description, commune=Commune.objects.get(code=commune), **fields)


def need(code: str) -> NeedCategory:
    return NeedCategory.objects.get(code=code)


def reason(kind: str, code: str) -> Reason:
    return Reason.objects.get(kind=kind, code=code)


def make_orientation(request: Request, place: object, *, days: int = 8) -> Orientation:
    now = timezone.now()
    return Orientation.objects.create(
        request=request, place=place, sent_at=now, expires_at=now + dt.timedelta(days=days)
    )
