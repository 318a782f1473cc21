"""Indicators computed live from the project's own data: a small registry of named queries.

Each entry takes the indicator's parameters and a date, and answers one Decimal. A monthly
snapshot (`manage.py snapshot_indicators`) keeps their history, so that charts show a trend.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Min, Q
from django.utils import timezone

from aiguillage.lib.dates import add_months


@dataclass(frozen=True)
class Computation:
    key: str
    label: str
    unit: str
    help: str
    compute: Callable[[dict, date], Decimal | None]


REGISTRY: dict[str, Computation] = {}


def register(key: str, label: str, unit: str, help_text: str) -> Callable:
    def decorator(function: Callable[[dict, date], Decimal | None]) -> Callable[[dict, date], Decimal | None]:
        REGISTRY[key] = Computation(key, label, unit, help_text, function)
        return function

    return decorator


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _window(parameters: dict, on: date) -> tuple[datetime, datetime]:
    months = int(parameters.get("months", 12))
    return _end_of(add_months(on, -months)), _end_of(on)


def _requests(parameters: dict, on: date):  # noqa: ANN202 - a Request queryset
    Request = apps.get_model("demandes", "Request")
    start, end = _window(parameters, on)
    requests = Request.objects.filter(created_at__gte=start, created_at__lt=end)
    if parameters.get("need"):
        requests = requests.filter(needs__code=parameters["need"])
    if parameters.get("audience"):
        requests = requests.filter(audience=parameters["audience"])
    if parameters.get("epci"):
        requests = requests.filter(commune__epci__code=parameters["epci"])
    return requests.distinct()


@register(
    "requests_received",
    "Demandes reçues",
    "demandes",
    "Demandes reçues sur les `months` derniers mois (12 par défaut), pour un besoin (`need`), "
    "un public (`audience`) ou un EPCI (`epci`).",
)
def requests_received(parameters: dict, on: date) -> Decimal:
    return Decimal(_requests(parameters, on).count())


@register(
    "share_oriented_within",
    "Part des demandes orientées dans le délai",
    "%",
    "Part des demandes des `months` derniers mois orientées vers un lieu en moins de `days` jours (7 par défaut).",
)
def share_oriented_within(parameters: dict, on: date) -> Decimal:
    days = int(parameters.get("days", 7))
    rows = list(_requests(parameters, on).annotate(first=Min("orientations__sent_at")).values("created_at", "first"))
    if not rows:
        return Decimal("0")
    quick = sum(1 for row in rows if row["first"] and row["first"] - row["created_at"] <= timedelta(days=days))
    return (Decimal(100) * quick / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@register(
    "unmet_needs",
    "Besoins non couverts",
    "demandes",
    "Demandes des `months` derniers mois qu'aucun lieu ne couvrait, ou closes sans solution.",
)
def unmet_needs(parameters: dict, on: date) -> Decimal:
    return Decimal(_requests(parameters, on).filter(Q(unmet=True) | Q(outcome="no_solution")).count())


@register(
    "places_verified_recently",
    "Lieux vérifiés depuis moins de 6 mois",
    "lieux",
    "Lieux ouverts dont la fiche a été vérifiée dans les `months` derniers mois (6 par défaut).",
)
def places_verified_recently(parameters: dict, on: date) -> Decimal:
    Place = apps.get_model("directory", "Place")
    since = add_months(on, -int(parameters.get("months", 6)))
    places = Place.objects.public().filter(verified=True, date_maj__gt=since, date_maj__lte=on)
    return Decimal(places.count())


def _library_model(name: str):  # noqa: ANN202 - a library model class, or None
    """None when the library is not installed: the page then says "indisponible", never a false 0."""
    try:
        return apps.get_model("library", name)
    except LookupError:
        return None


@register(
    "resources_published",
    "Ressources publiées",
    "ressources",
    "Ressources pour les médiateurs publiées à cette date et toujours en ligne.",
)
def resources_published(parameters: dict, on: date) -> Decimal | None:
    # A resource counts from the day it was published (``published_at``; one published without that date, from the
    # day it was proposed). One withdrawn since no longer counts: the library keeps no date of withdrawal.
    Resource = _library_model("Resource")
    if Resource is None:
        return None
    end = _end_of(on)
    published = Resource.objects.published().filter(
        Q(published_at__lt=end) | Q(published_at__isnull=True, created_at__lt=end)
    )
    return Decimal(published.count())


@register(
    "events_held",
    "Événements tenus",
    "événements",
    "Ateliers, formations et réunions publiés à l'agenda et tenus (finis) sur les `months` derniers mois ; "
    "les annulés et les brouillons ne comptent pas.",
)
def events_held(parameters: dict, on: date) -> Decimal | None:
    Event = _library_model("Event")
    if Event is None:
        return None
    start, end = _window(parameters, on)
    held_by = min(end, timezone.now())
    events = Event.objects.filter(status="published", starts_at__gte=start, ends_at__lte=held_by)
    return Decimal(events.count())


def describe(key: str, parameters: dict) -> str:
    """The computation in plain French, with its parameters spelt out."""
    parameters = parameters or {}
    months = int(parameters.get("months", 6 if key == "places_verified_recently" else 12))
    parts = {
        "requests_received": f"demandes reçues sur les {months} derniers mois",
        "share_oriented_within": (
            f"part des demandes des {months} derniers mois orientées vers un lieu en moins de "
            f"{int(parameters.get('days', 7))} jours"
        ),
        "unmet_needs": f"demandes des {months} derniers mois qu'aucun lieu ne couvrait, ou closes sans solution",
        "places_verified_recently": f"lieux ouverts dont la fiche a été vérifiée dans les {months} derniers mois",
        "resources_published": "ressources pour les médiateurs publiées dans la bibliothèque, et toujours en ligne",
        "events_held": (
            f"ateliers, formations et réunions publiés à l'agenda et tenus sur les {months} derniers mois "
            "(sans les annulés)"
        ),
    }
    text = parts.get(key, REGISTRY[key].label.lower() if key in REGISTRY else key)
    if parameters.get("need"):
        category = apps.get_model("demandes", "NeedCategory").objects.filter(code=parameters["need"]).first()
        text += f", besoin « {category.label if category else parameters['need']} »"
    if parameters.get("audience"):
        from demandes.models import Audience

        label = dict(Audience.choices).get(parameters["audience"], parameters["audience"])
        text += f", demandeurs : {label.lower()}"
    if parameters.get("epci"):
        epci = apps.get_model("territory", "Epci").objects.filter(code=parameters["epci"]).first()
        text += f", {epci.name if epci else 'EPCI ' + parameters['epci']}"
    return text[0].upper() + text[1:] + "."


def compute(key: str, parameters: dict, on: date) -> Decimal | None:
    return REGISTRY[key].compute(parameters or {}, on)
