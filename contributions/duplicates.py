"""Before a place is proposed: does the directory already hold it? Same commune and a close name, or same contact."""

from difflib import SequenceMatcher
from urllib.parse import urlsplit

from django.db.models import Q

from aiguillage.lib.text import normalize_name
from directory.models import Place, PlaceStatus
from territory.models import Commune

# Words that say nothing of which place it is.
COMMON_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"})
SIMILAR = 0.75
LIMIT = 5


def _words(name: str) -> str:
    return " ".join(word for word in normalize_name(name).replace("'", " ").split() if word not in COMMON_WORDS)


def similar_names(first: str, second: str) -> bool:
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    return a == b or a in b or b in a or SequenceMatcher(None, a, b).ratio() >= SIMILAR


def _host(url: str) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def possible_duplicates(*, name: str, commune: Commune, phone: str = "", email: str = "", website: str = "") -> list:
    """Open places that may be the same: a close name in the same commune, or the same phone, email or site."""
    same_contact = Q()
    if phone:
        same_contact |= Q(phone=phone)
    if email:
        same_contact |= Q(email__iexact=email)
    host = _host(website)
    if host:
        same_contact |= Q(website__icontains=host)
    candidates = (
        Place.objects.exclude(status=PlaceStatus.CLOSED)
        .filter(Q(commune=commune) | same_contact if same_contact else Q(commune=commune))
        .select_related("commune")
        .order_by("name")[:200]
    )
    found = []
    for place in candidates:
        contact = (phone and place.phone == phone) or (email and place.email.lower() == email.lower())
        contact = contact or bool(host and _host(place.website) == host)
        if contact or (place.commune_id == commune.pk and similar_names(name, place.name)):
            found.append(place)
    return found[:LIMIT]
