"""``Idempotency-Key`` on ``POST /api/v1/requests``: a client that sends again (a timeout, an answer lost on the
way) gets the first answer back instead of a second request.

The answer holds the private tracking link, whose key is stored nowhere in clear. Here it is kept sealed: XORed
with a pad drawn by HMAC from the client's own token secret, which only its hash is stored of. A copy of the
database alone opens nothing; the client that sends the same key with the same token gets its link back.
Keys are remembered for 24 hours.
"""

import datetime as dt
import hashlib
import hmac
import json
import re

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from pydantic import BaseModel

from accounts.models import ApiToken
from demandes.intake import Created
from demandes.links import tracking_url
from demandes.models import IdempotentSubmission

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[!-~]{1,255}$"  # printable ASCII, no spaces: what UUIDs and most clients' keys are
RETENTION = dt.timedelta(hours=24)
BAD_KEY = "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères imprimables, sans espace (un UUID convient)."
OTHER_BODY = (
    "Cette clé Idempotency-Key a déjà servi, dans les dernières 24 heures, pour une demande différente : "
    "prenez une nouvelle clé pour une nouvelle demande."
)
_KEY = re.compile(KEY_PATTERN)


class BadKey(ValueError):
    pass


def read_key(request: HttpRequest) -> str | None:
    """The key the client sent, None without one; BadKey when it cannot be one."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not _KEY.match(value):
        raise BadKey(BAD_KEY)
    return value


def fingerprint(payload: BaseModel) -> str:
    """The same body gives the same fingerprint, whatever the order of its fields."""
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pad(secret: str, key: str, length: int) -> bytes:
    pad = b""
    block = 0
    while len(pad) < length:
        message = f"aiguillage-idempotency:{block}:{key}".encode()
        pad += hmac.new(secret.encode(), message, hashlib.sha256).digest()
        block += 1
    return pad[:length]


def seal(tracking_key: str, *, secret: str, key: str) -> str:
    plain = tracking_key.encode()
    return bytes(a ^ b for a, b in zip(plain, _pad(secret, key, len(plain)), strict=True)).hex()


def unseal(sealed: str, *, secret: str, key: str) -> str:
    """The tracking key again (tracking keys are ASCII); with another secret, characters that open nothing."""
    cipher = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(cipher, _pad(secret, key, len(cipher)), strict=True)).decode("latin-1")


def previous(token: ApiToken, key: str) -> IdempotentSubmission | None:
    """The submission this token made with this key within the last 24 hours; older ones are forgotten."""
    now = timezone.now()
    IdempotentSubmission.objects.filter(created_at__lt=now - RETENTION).delete()
    return IdempotentSubmission.objects.filter(token=token, key=key, created_at__gte=now - RETENTION).first()


class SentTwice(Exception):
    """The same key came twice at once and the other sending was recorded first."""


def remember(
    *, token: ApiToken, key: str, digest: str, created: Created, secret: str, answer: dict[str, object]
) -> None:
    """Keep the answer given with this key (its tracking key sealed); SentTwice if another sending holds the key."""
    try:
        with transaction.atomic():
            IdempotentSubmission.objects.create(
                token=token,
                key=key,
                fingerprint=digest,
                request=created.request,
                sealed_tracking_key=seal(created.tracking_key, secret=secret, key=key),
                answer=answer,
            )
    except IntegrityError:
        raise SentTwice from None


def first_answer(earlier: IdempotentSubmission, secret: str) -> dict[str, object]:
    """The answer given the first time, its private tracking link rebuilt."""
    tracking_key = unseal(earlier.sealed_tracking_key, secret=secret, key=earlier.key)
    return {**earlier.answer, "tracking_url": tracking_url(earlier.answer["reference"], tracking_key)}
