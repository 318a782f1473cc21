"""The bridge between the database and the routing engine, which knows nothing of Django.

Reads the thesaurus, pre-selects the places that could answer (those that
offer a needed service or machine, near enough, or remote) in a fixed number
of queries, and hands plain data to the engine.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from aiguillage.lib.geo import bounding_box
from demandes.models import NeedCategory, Request
from directory.models import Equipment, ItinerantStop, Place, PlaceStatus, Term, Vocabulary
from routing.engine import Candidate, RoutingRequest, RoutingResult, RoutingSettings, Stop, needed_codes, route
from routing.qualify import Category
from routing.qualify import qualify as qualify_text
from territory.models import Commune


def routing_settings() -> RoutingSettings:
    labels = dict(
        Term.objects.filter(
            vocabulary__in=[Vocabulary.SERVICE, Vocabulary.EQUIPMENT, Vocabulary.AUDIENCE, Vocabulary.ACCESSIBILITY]
        ).values_list("code", "label")
    )
    return RoutingSettings(
        labels=labels,
        production_threshold=settings.ROUTING_PRODUCTION_THRESHOLD,
        default_max_distance_km=settings.ROUTING_MAX_DISTANCE_KM,
        road_factor=settings.ROAD_FACTOR,
        weight_fit=settings.ROUTING_WEIGHT_FIT,
        weight_distance=settings.ROUTING_WEIGHT_DISTANCE,
        weight_freshness=settings.ROUTING_WEIGHT_FRESHNESS,
    )


def categories(queryset: Iterable[NeedCategory] | None = None) -> dict[str, tuple[NeedCategory, Category]]:
    """Each active need category as (row, engine category), by code."""
    rows = queryset if queryset is not None else NeedCategory.objects.filter(active=True)
    rows = NeedCategory.objects.filter(pk__in=[row.pk for row in rows]) if queryset is not None else rows
    result = {}
    for row in rows.prefetch_related("services", "equipment"):
        result[row.code] = (
            row,
            Category(
                code=row.code,
                label=row.label,
                synonyms=tuple(line.strip() for line in row.synonyms.splitlines() if line.strip()),
                stems=tuple(line.strip() for line in row.stems.splitlines() if line.strip()),
                services=frozenset(term.code for term in row.services.all()),
                equipment=frozenset(term.code for term in row.equipment.all()),
                production_run=row.production_run,
            ),
        )
    return result


def qualify(text: str) -> list[tuple[NeedCategory, tuple[str, ...]]]:
    """Need categories found in text, with the words that justified each."""
    index = categories()
    found = qualify_text(
        text, [category for _, category in index.values()], production_threshold=settings.ROUTING_PRODUCTION_THRESHOLD
    )
    return [(index[match.category.code][0], match.evidence) for match in found.matches]


def load_candidates(
    *, services: frozenset[str], equipment: frozenset[str], commune: Commune, max_km: float
) -> list[Candidate]:
    """Open places offering one of the services or machines, within max_km (by point or by a stop), or remote."""
    term_ids = dict(
        Term.objects.filter(
            Q(vocabulary=Vocabulary.SERVICE, code__in=services) | Q(vocabulary=Vocabulary.EQUIPMENT, code__in=equipment)
        ).values_list("pk", "vocabulary")
    )
    service_ids = [pk for pk, vocabulary in term_ids.items() if vocabulary == Vocabulary.SERVICE]
    equipment_ids = [pk for pk, vocabulary in term_ids.items() if vocabulary == Vocabulary.EQUIPMENT]
    offers = Q(pk__in=Place.services.through.objects.filter(term_id__in=service_ids).values("place_id")) | Q(
        pk__in=Equipment.objects.filter(kind_id__in=equipment_ids).values("place_id")
    )
    box = bounding_box(commune.latitude, commune.longitude, max_km / max(settings.ROAD_FACTOR, 1e-9))
    near = Q(latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon))
    stop_near = Q(
        is_itinerant=True,
        pk__in=ItinerantStop.objects.filter(
            commune__latitude__range=(box.min_lat, box.max_lat), commune__longitude__range=(box.min_lon, box.max_lon)
        ).values("place_id"),
    )
    rows = list(
        Place.objects.filter(status=PlaceStatus.OPEN)
        .filter(offers)
        .filter(near | Q(is_remote=True) | stop_near)
        .values_list(
            "pk",
            "name",
            "commune__code",
            "commune__name",
            "latitude",
            "longitude",
            "status",
            "is_remote",
            "verified",
            "date_maj",
        )
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    codes: dict[str, dict[int, set[str]]] = {}
    for name in ("audiences", "accessibility", "services"):
        through = Place._meta.get_field(name).remote_field.through
        found: dict[int, set[str]] = defaultdict(set)
        for place_id, code in through.objects.filter(place_id__in=ids).values_list("place_id", "term__code"):
            found[place_id].add(code)
        codes[name] = found
    confirmed: dict[int, set[str]] = defaultdict(set)
    unconfirmed: dict[int, set[str]] = defaultdict(set)
    for place_id, code, verified in Equipment.objects.filter(place_id__in=ids).values_list(
        "place_id", "kind__code", "verified"
    ):
        (confirmed if verified else unconfirmed)[place_id].add(code)
    stops: dict[int, list[Stop]] = defaultdict(list)
    for place_id, name, latitude, longitude in ItinerantStop.objects.filter(place_id__in=ids).values_list(
        "place_id", "commune__name", "commune__latitude", "commune__longitude"
    ):
        stops[place_id].append(Stop(commune_name=name, latitude=latitude, longitude=longitude))
    today = timezone.localdate()
    return [
        Candidate(
            id=pk,
            name=name,
            commune_code=commune_code,
            commune_name=commune_name,
            latitude=latitude,
            longitude=longitude,
            status=status,
            audiences=frozenset(codes["audiences"].get(pk, ())),
            accessibility=frozenset(codes["accessibility"].get(pk, ())),
            services=frozenset(codes["services"].get(pk, ())),
            equipment=frozenset(confirmed.get(pk, ())),
            unverified_equipment=frozenset(unconfirmed.get(pk, set()) - confirmed.get(pk, set())),
            is_remote=is_remote,
            stops=tuple(stops.get(pk, ())),
            verified=verified,
            days_since_update=(today - date_maj).days if isinstance(date_maj, dt.date) else None,
        )
        for pk, name, commune_code, commune_name, latitude, longitude, status, is_remote, verified, date_maj in rows
    ]


def suggest(
    *,
    needs: Sequence[Category],
    commune: Commune,
    audience: str = "individual",
    quantity: int = 1,
    accessibility_needs: Iterable[str] = (),
    max_distance_km: float | None = None,
    limit: int = 5,
) -> RoutingResult:
    config = routing_settings()
    request = RoutingRequest(
        needs=tuple(needs),
        latitude=commune.latitude,
        longitude=commune.longitude,
        audience=audience,
        quantity=quantity,
        accessibility_needs=frozenset(accessibility_needs),
        max_distance_km=max_distance_km,
        limit=limit,
    )
    services, equipment = needed_codes(request.needs)
    reach = max_distance_km if max_distance_km is not None else config.default_max_distance_km
    candidates = load_candidates(services=services, equipment=equipment, commune=commune, max_km=reach) if needs else []
    return route(request, candidates, config)


def for_request(request: Request, *, limit: int = 5) -> RoutingResult:
    index = categories()
    codes = list(request.need_links.values_list("category__code", flat=True))
    return suggest(
        needs=[index[code][1] for code in codes if code in index],
        commune=request.commune,
        audience=request.audience,
        quantity=request.quantity,
        accessibility_needs=request.accessibility_needs.values_list("code", flat=True),
        limit=limit,
    )
