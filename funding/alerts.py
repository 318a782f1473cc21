"""Saved searches by email: double opt-in, a weekly digest, one-click unsubscribe, and an iCal feed of deadlines.

An alert keeps its filters as references to terms, a commune or an EPCI, never as a query string: a renamed code
follows, a retired one is reported (funding.vocabularies). The digest is sent at most once every seven days, and
only when it has something to say: schemes published since the last letter, and deadlines within 30 days.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aiguillage.lib.text import keywords
from aiguillage.mail import send_after_commit
from funding import catalogue
from funding.catalogue import Snapshot
from funding.models import Alert, AlertDigest, AlertStatus, FundingTerm
from funding.places import location_of_commune, location_of_epci
from funding_match import Query
from territory.models import Commune, Epci

CONFIRM_SALT = "funding.alert.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
DIGEST_EVERY = dt.timedelta(days=7)
DEADLINE_DAYS = 30
FIELDS = ("beneficiaries", "themes", "expenses", "kinds", "programmes")
# The search's query parameter for each of an alert's term lists.
PARAMETERS = {
    "beneficiaries": "beneficiaire",
    "themes": "theme",
    "expenses": "depense",
    "kinds": "nature",
    "programmes": "programme",
}


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(alert: Alert) -> str:
    signed = signing.dumps(alert.pk, salt=CONFIRM_SALT, compress=True)
    return site_url(reverse("funding:confirm_alert", kwargs={"signed": signed}))


def manage_url(alert: Alert) -> str:
    return site_url(reverse("funding:alert", kwargs={"token": alert.token}))


def unsubscribe_url(alert: Alert) -> str:
    return site_url(reverse("funding:unsubscribe", kwargs={"token": alert.token}))


def calendar_url(alert: Alert) -> str:
    return site_url(reverse("funding:alert_calendar", kwargs={"token": alert.token}))


def read_confirmation(signed: str) -> int:
    """The alert id of a confirmation link; raises signing.BadSignature (or SignatureExpired)."""
    value = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(value, int):
        raise signing.BadSignature("not an alert id")
    return value


@transaction.atomic
def create_alert(
    *,
    email: str,
    terms: dict[str, list[FundingTerm]],
    commune: Commune | None = None,
    epci: Epci | None = None,
    amount: Decimal | None = None,
    text: str = "",
) -> Alert:
    """A pending alert, and the email that asks to confirm it. Nothing is sent to the address before it confirms."""
    alert = Alert.objects.create(email=email.strip().lower(), commune=commune, epci=epci, amount=amount, text=text)
    for name in FIELDS:
        getattr(alert, name).set(terms.get(name, []))
    send_after_commit(
        to=[alert.email],
        template="funding/email/confirm_alert",
        context={"alert": alert, "confirm_url": confirm_url(alert), "summary": describe(alert)},
    )
    return alert


@transaction.atomic
def confirm_alert(*, alert: Alert) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status == AlertStatus.PENDING:
        locked.status = AlertStatus.ACTIVE
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
    return locked


@transaction.atomic
def unsubscribe(*, alert: Alert) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != AlertStatus.UNSUBSCRIBED:
        locked.status = AlertStatus.UNSUBSCRIBED
        locked.unsubscribed_at = timezone.now()
        locked.save(update_fields=["status", "unsubscribed_at"])
    return locked


def query_of(alert: Alert, **extra: object) -> Query:
    location = None
    if alert.commune_id:
        location = location_of_commune(Commune.objects.select_related("departement", "epci").get(pk=alert.commune_id))
    elif alert.epci_id:
        location = location_of_epci(alert.epci)

    def codes(name: str) -> frozenset[str]:
        return frozenset(term.code for term in getattr(alert, name).all() if term.active)

    return Query(
        location=location,
        beneficiaries=codes("beneficiaries"),
        themes=codes("themes"),
        expenses=codes("expenses"),
        kinds=codes("kinds"),
        programmes=codes("programmes"),
        amount=alert.amount,
        words=tuple(keywords(alert.text)),
        **extra,  # type: ignore[arg-type]
    )


def search_url(alert: Alert) -> str:
    """The search page for this alert, with today's codes (a renamed code gives the new one)."""
    params: list[tuple[str, str]] = []
    for name in FIELDS:
        params += [(PARAMETERS[name], term.code) for term in getattr(alert, name).all() if term.active]
    if alert.commune_id:
        params.append(("commune", alert.commune.code))
    if alert.epci_id:
        params.append(("epci", alert.epci.siren))
    if alert.amount is not None:
        params.append(("montant", format(alert.amount.normalize(), "f")))
    if alert.text:
        params.append(("q", alert.text))
    return site_url(reverse("funding:search")) + ("?" + urlencode(params) if params else "")


def describe(alert: Alert) -> list[str]:
    """The alert's criteria in French, one line each."""
    lines = []
    labels = {
        "beneficiaries": "Pour",
        "themes": "Thèmes",
        "expenses": "Dépenses",
        "kinds": "Nature",
        "programmes": "Programmes",
    }
    for name in FIELDS:
        terms = [term.label for term in getattr(alert, name).all() if term.active]
        if terms:
            lines.append(f"{labels[name]} : {', '.join(terms)}")
    if alert.commune_id:
        lines.append(f"Projet à : {alert.commune}")
    if alert.epci_id:
        lines.append(f"Projet dans : {alert.epci}")
    if alert.amount is not None:
        lines.append(f"Montant recherché : {format(alert.amount.normalize(), 'f')} €")
    if alert.text:
        lines.append(f"Mots : {alert.text}")
    return lines or ["Tous les dispositifs du catalogue"]


@dataclass
class DigestReport:
    sent: int = 0
    nothing_to_say: int = 0
    not_due: int = 0
    recipients: list[str] = field(default_factory=list)


def _due(alert: Alert, now: dt.datetime) -> bool:
    last = alert.last_digest_at or alert.confirmed_at
    return last is None or now - last >= DIGEST_EVERY or alert.last_digest_at is None


def _already_sent(alert: Alert) -> set[int]:
    last = alert.digests.order_by("-created_at", "-pk").first()
    return set(last.new_schemes) if last is not None else set()


def digest_content(alert: Alert, snapshot: Snapshot) -> tuple[list[int], list[int]]:
    """Ids of the schemes new since the last letter, and of those closing within 30 days."""
    since = timezone.localtime(alert.last_digest_at or alert.confirmed_at or alert.created_at).date()
    fresh = snapshot.catalogue.find(query_of(alert, published_since=since))
    sent = _already_sent(alert)
    new = [scheme.id for scheme in fresh if scheme.id not in sent]
    closing = [
        scheme.id
        for scheme in snapshot.catalogue.find(query_of(alert, closing_within_days=DEADLINE_DAYS))
        if scheme.id not in new
    ]
    closing.sort(key=lambda scheme_id: snapshot.catalogue.deadlines[scheme_id] or dt.date.max)
    return new, closing


def send_digests(*, now: dt.datetime | None = None) -> DigestReport:
    """The weekly letters due: run daily (cron or a timer), each alert gets one at most every seven days."""
    now = now or timezone.now()
    snapshot = catalogue.current(timezone.localtime(now).date())
    report = DigestReport()
    alerts = Alert.objects.filter(status=AlertStatus.ACTIVE).select_related("commune", "epci")
    for alert in alerts.prefetch_related(*FIELDS):
        if alert.last_digest_at is not None and now - alert.last_digest_at < DIGEST_EVERY:
            report.not_due += 1
            continue
        new, closing = digest_content(alert, snapshot)
        if not new and not closing:
            report.nothing_to_say += 1
            continue
        with transaction.atomic():
            AlertDigest.objects.create(alert=alert, created_at=now, new_schemes=new, closing_schemes=closing)
            Alert.objects.filter(pk=alert.pk).update(last_digest_at=now)
            _send_digest(alert, snapshot, new, closing)
        report.sent += 1
        report.recipients.append(alert.email)
    return report


def _send_digest(alert: Alert, snapshot: Snapshot, new: list[int], closing: list[int]) -> None:
    def lines(ids: list[int]) -> list[dict]:
        return [
            {
                "card": snapshot.cards[scheme_id],
                "url": site_url(snapshot.cards[scheme_id].url),
                "deadline": snapshot.catalogue.deadlines[scheme_id],
            }
            for scheme_id in ids
        ]

    unsubscribe_link = unsubscribe_url(alert)
    send_after_commit(
        to=[alert.email],
        template="funding/email/digest",
        context={
            "alert": alert,
            "new": lines(new),
            "closing": lines(closing),
            "summary": describe(alert),
            "search_url": search_url(alert),
            "manage_url": manage_url(alert),
            "unsubscribe_url": unsubscribe_link,
            "calendar_url": calendar_url(alert),
            "deadline_days": DEADLINE_DAYS,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
