"""Signed links: confirming one's address, a manager's objection. They expire and name one row and one address."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "contributions.link"


class LinkError(Exception):
    """Why a link cannot be used, in French."""


def make(kind: str, pk: int, email: str) -> str:
    return signing.dumps({"k": kind, "id": pk, "e": email}, salt=SALT, compress=True)


def read(token: str, kind: str) -> tuple[int, str]:
    """(row id, email) of a valid link of this kind; LinkError otherwise."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=settings.CONTRIBUTION_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkError(
            f"Ce lien a expiré (il vaut {settings.CONTRIBUTION_LINK_DAYS} jours). Recommencez la démarche."
        ) from None
    except signing.BadSignature:
        raise LinkError("Ce lien n'est pas valide. Vérifiez qu'il est complet (copiez-le en entier).") from None
    if payload.get("k") != kind:
        raise LinkError("Ce lien n'est pas valide. Vérifiez qu'il est complet (copiez-le en entier).")
    return int(payload["id"]), str(payload["e"])


def url(name: str, kind: str, pk: int, email: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": make(kind, pk, email)})
