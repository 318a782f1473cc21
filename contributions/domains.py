"""Whether an email address belongs to the place it claims: its own domain, never a public mailbox provider.

The providers are data (``data/public_mail_domains.txt``), one domain a line: a coordinator adds one there.
"""

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from directory.models import Place

PUBLIC_DOMAINS_FILE = Path(__file__).resolve().parent / "data" / "public_mail_domains.txt"


@cache
def public_domains() -> frozenset[str]:
    lines = PUBLIC_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _bare(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def is_public(domain: str) -> bool:
    domain = _bare(domain)
    return any(domain == public or domain.endswith("." + public) for public in public_domains())


def email_domain(email: str) -> str:
    return _bare(email.rsplit("@", 1)[-1]) if "@" in email else ""


def place_domains(place: Place) -> set[str]:
    """The place's own domains: its website's, and its email's when that is not a public provider's."""
    found = set()
    host = urlsplit(place.website or "").hostname or ""
    if host and not is_public(host):
        found.add(_bare(host))
    domain = email_domain(place.email or "")
    if domain and not is_public(domain):
        found.add(domain)
    return found


def is_own_domain(email: str, place: Place) -> bool:
    """Whether the address is on the place's own domain (or one of its subdomains)."""
    domain = email_domain(email)
    if not domain or is_public(domain):
        return False
    return any(domain == own or domain.endswith("." + own) for own in place_domains(place))
