"""Figures on the requests: how many, for what, from whom, where, how fast they were answered, how they ended.

Each function takes a ``Period`` (the months the requests were received in) and returns plain dataclasses;
the views apply the small-count rule (observatory/privacy.py) for whoever reads them. ``unmet_needs`` and
``share_oriented_within`` are the figures the roadmap's indicators read too.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aiguillage.lib.dates import add_months
from demandes.models import Audience, NeedCategory, Outcome, Request, RequestNeed, Status
from directory.models import Place, PlaceStatus

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_NEED = "Besoin non qualifié"
NO_EPCI = "Commune sans EPCI"
OUTSIDE = "Hors du territoire"
STILL_OPEN = "En cours"
# Delays in days: each bucket holds what is at most its bound.
DELAY_BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "moins d'un jour"),
    (3, "1 à 3 jours"),
    (7, "3 à 7 jours"),
    (14, "1 à 2 semaines"),
    (30, "2 semaines à 1 mois"),
    (float("inf"), "plus d'un mois"),
)
FRESHNESS_MONTHS = (6, 12, 18)


def month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Period:
    """Whole months, from the first day of ``first`` to the last day of ``last``, in local time."""

    first: dt.date
    last: dt.date

    @classmethod
    def between(cls, first: dt.date, last: dt.date) -> "Period":
        return cls(first.replace(day=1), last.replace(day=1))

    @classmethod
    def last_months(cls, count: int, today: dt.date | None = None) -> "Period":
        today = today or timezone.localdate()
        this_month = today.replace(day=1)
        return cls(add_months(this_month, -(count - 1)), this_month)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return timezone.make_aware(dt.datetime.combine(add_months(self.last, 1), dt.time.min))

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def label(self) -> str:
        if self.first == self.last:
            return month_label(self.first)
        return f"de {month_label(self.first)} à {month_label(self.last)}"

    def requests(self) -> QuerySet[Request]:
        return Request.objects.filter(created_at__gte=self.start, created_at__lt=self.end)


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Delays:
    """Days from a request's arrival to an event, over the requests that reached it."""

    count: int
    median: float | None
    p90: float | None
    buckets: list[Tally]


@dataclass(frozen=True)
class Share:
    part: int
    total: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.total if self.total else None


@dataclass(frozen=True)
class UnmetNeed:
    code: str
    label: str
    count: int  # unmet requests naming this need
    asked: int  # all requests naming this need
    communes: int  # distinct communes the unmet ones came from


def total(period: Period) -> int:
    return period.requests().count()


def by_need(period: Period) -> list[Tally]:
    """Requests per need category; a request naming two needs counts in both, one naming none in its own row."""
    requests = period.requests()
    counts = dict(
        RequestNeed.objects.filter(request__in=requests)
        .values_list("category_id")
        .annotate(n=Count("request", distinct=True))
        .order_by()
    )
    rows = [
        Tally(category.code, category.label, counts.get(category.pk, 0))
        for category in NeedCategory.objects.order_by("position", "label")
        if category.active or category.pk in counts
    ]
    rows.sort(key=lambda row: -row.count)
    without = requests.filter(need_links__isnull=True).count()
    return [*rows, Tally("", NO_NEED, without)]


def by_audience(period: Period) -> list[Tally]:
    counts = dict(period.requests().values_list("audience").annotate(n=Count("id")).order_by())
    return [Tally(value, str(label), counts.get(value, 0)) for value, label in Audience.choices]


def by_epci(period: Period) -> list[Tally]:
    """Requests per EPCI of the requester's commune; communes outside the served territory in one row."""
    served = settings.TERRITORY_DEPARTEMENTS
    requests = period.requests()
    rows = (
        requests.filter(commune__departement__code__in=served)
        .values_list("commune__epci__siren", "commune__epci__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [Tally(siren or "", name or NO_EPCI, n) for siren, name, n in rows]
    counts.sort(key=lambda row: (-row.count, row.label))
    outside = requests.exclude(commune__departement__code__in=served).count()
    return [*counts, Tally("hors", OUTSIDE, outside)] if outside else counts


def by_month(period: Period) -> list[Tally]:
    counts: Counter[dt.date] = Counter()
    for month, n in (
        period.requests()
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[timezone.localtime(month).date() if isinstance(month, dt.datetime) else month] += n
    return [Tally(month.strftime("%Y-%m"), month_label(month), counts.get(month, 0)) for month in period.months]


def _delays(days: list[float]) -> Delays:
    buckets = [0] * len(DELAY_BUCKETS)
    for value in days:
        index = next(i for i, (bound, _) in enumerate(DELAY_BUCKETS) if value <= bound)
        buckets[index] += 1
    rows = [Tally(str(bound), label, buckets[index]) for index, (bound, label) in enumerate(DELAY_BUCKETS)]
    if not days:
        return Delays(0, None, None, rows)
    median, p90 = np.percentile(np.asarray(days), [50, 90])
    return Delays(len(days), round(float(median), 1), round(float(p90), 1), rows)


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return max((end - start).total_seconds(), 0.0) / 86400


def time_to_first_orientation(period: Period) -> Delays:
    rows = period.requests().annotate(first=Min("orientations__sent_at")).filter(first__isnull=False)
    return _delays([_days(created, first) for created, first in rows.values_list("created_at", "first")])


def time_to_outcome(period: Period) -> Delays:
    rows = period.requests().filter(status=Status.CLOSED, closed_at__isnull=False)
    return _delays([_days(created, closed) for created, closed in rows.values_list("created_at", "closed_at")])


def outcomes(period: Period) -> list[Tally]:
    """How the requests received in the period ended, and how many are still open."""
    requests = period.requests()
    counts = dict(requests.filter(status=Status.CLOSED).values_list("outcome").annotate(n=Count("id")).order_by())
    rows = [Tally(value, str(label), counts.get(value, 0)) for value, label in Outcome.choices]
    return [*rows, Tally("open", STILL_OPEN, requests.exclude(status=Status.CLOSED).count())]


def unmet_needs(period: Period) -> list[UnmetNeed]:
    """What was asked and found no place (requests marked unmet), how often and from how many communes."""
    requests = period.requests()
    unmet = requests.filter(unmet=True)
    asked = dict(
        RequestNeed.objects.filter(request__in=requests)
        .values_list("category_id")
        .annotate(n=Count("request", distinct=True))
        .order_by()
    )
    found = (
        RequestNeed.objects.filter(request__in=unmet)
        .values_list("category_id", "category__code", "category__label")
        .annotate(n=Count("request", distinct=True), communes=Count("request__commune", distinct=True))
        .order_by()
    )
    rows = [UnmetNeed(code, label, n, asked.get(pk, 0), communes) for pk, code, label, n, communes in found]
    rows.sort(key=lambda row: (-row.count, row.label))
    without = unmet.filter(need_links__isnull=True)
    count = without.count()
    if count:
        everyone = requests.filter(need_links__isnull=True).count()
        rows.append(UnmetNeed("", NO_NEED, count, everyone, without.values("commune").distinct().count()))
    return rows


def unmet_count(period: Period) -> int:
    return period.requests().filter(unmet=True).count()


def unmet_by_commune(period: Period) -> dict[str, int]:
    """INSEE code → number of unmet requests from that commune."""
    rows = period.requests().filter(unmet=True).values_list("commune__code").annotate(n=Count("id")).order_by()
    return dict(rows)


def share_oriented_within(days: int, *, period: Period, now: dt.datetime | None = None) -> Share:
    """Of the requests received in the period at least ``days`` days ago, how many were first sent to a place
    within ``days`` days of arriving. Younger requests are left out: they still have time."""
    now = now or timezone.now()
    limit = dt.timedelta(days=days)
    rows = (
        period.requests()
        .filter(created_at__lte=now - limit)
        .annotate(first=Min("orientations__sent_at"))
        .values_list("created_at", "first")
    )
    part = count = 0
    for created, first in rows:
        count += 1
        if first is not None and first - created <= limit:
            part += 1
    return Share(part, count)


def freshness(today: dt.date | None = None) -> list[Tally]:
    """The served territory's places still open or temporarily closed, by the age of their last update, in the
    national map's classes."""
    today = today or timezone.localdate()
    live = Place.objects.exclude(status=PlaceStatus.CLOSED).filter(
        commune__departement__code__in=settings.TERRITORY_DEPARTEMENTS
    )
    bounds = [add_months(today, -months) for months in FRESHNESS_MONTHS]
    six, twelve, eighteen = bounds
    return [
        Tally("lt6", "moins de 6 mois", live.filter(date_maj__gt=six).count()),
        Tally("6to12", "6 à 12 mois", live.filter(date_maj__lte=six, date_maj__gt=twelve).count()),
        Tally("12to18", "12 à 18 mois", live.filter(date_maj__lte=twelve, date_maj__gt=eighteen).count()),
        Tally("gt18", "plus de 18 mois", live.filter(date_maj__lte=eighteen).count()),
        Tally("unknown", "date inconnue", live.filter(date_maj__isnull=True).count()),
    ]
