"""Signed links: a place answers an orientation without an account; a requester follows a request."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from demandes.models import Orientation

ORIENTATION_SALT = "demandes.orientation"


class LinkError(Exception):
    """Why a link cannot be used, in French."""


def orientation_token(orientation: Orientation) -> str:
    return signing.dumps({"o": orientation.pk, "r": orientation.request_id}, salt=ORIENTATION_SALT)


def orientation_url(orientation: Orientation) -> str:
    return settings.SITE_URL + reverse("demandes:answer", kwargs={"token": orientation_token(orientation)})


def read_orientation_token(token: str) -> Orientation:
    try:
        payload = signing.loads(token, salt=ORIENTATION_SALT, max_age=dt.timedelta(days=settings.ORIENTATION_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkError(
            "Ce lien a expiré : la demande est revenue à la coordination, qui a pu l'orienter ailleurs."
        ) from None
    except signing.BadSignature:
        raise LinkError("Ce lien n'est pas valide. Vérifiez qu'il est complet.") from None
    orientation = (
        Orientation.objects.select_related("request__commune", "place__commune")
        .filter(pk=payload.get("o"), request_id=payload.get("r"))
        .first()
    )
    if orientation is None:
        raise LinkError("Ce lien n'est pas valide. Vérifiez qu'il est complet.")
    return orientation


def tracking_url(reference: str, key: str) -> str:
    return settings.SITE_URL + reverse("demandes:track", kwargs={"reference": reference, "key": key})
