"""The nearest places of the directory that answer an answer sheet's needs: the next step on the printout."""

from dataclasses import dataclass

from django.db.models import Q

from aiguillage.lib.geo import bounding_box, haversine_km
from directory.models import Place, PlaceStatus
from territory.models import Commune

# Widened in steps until enough places are found: a rural commune may have none within 10 km.
RADII_KM = (10, 25, 50, 100)


@dataclass(frozen=True)
class NearbyPlace:
    place: Place
    distance_km: float


def places_answering(need_categories: list) -> "Q | None":
    services = [term.pk for need in need_categories for term in need.services.all()]
    equipment = [term.pk for need in need_categories for term in need.equipment.all()]
    if not services and not equipment:
        return None
    return Q(services__in=services) | Q(equipment__kind__in=equipment)


def nearest_places(*, need_categories: list, commune: Commune, limit: int = 3) -> list[NearbyPlace]:
    """Open places that offer a service or a machine of these needs, nearest first (great-circle, road factor)."""
    from django.conf import settings

    wanted = places_answering(need_categories)
    if wanted is None:
        return []
    base = Place.objects.filter(status=PlaceStatus.OPEN).filter(wanted)
    found: list[NearbyPlace] = []
    for radius in RADII_KM:
        box = bounding_box(commune.latitude, commune.longitude, radius / settings.ROAD_FACTOR)
        ids = (
            base.filter(
                latitude__gte=box.min_lat,
                latitude__lte=box.max_lat,
                longitude__gte=box.min_lon,
                longitude__lte=box.max_lon,
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        places = Place.objects.filter(pk__in=list(ids)).select_related("commune")
        found = [
            NearbyPlace(
                place,
                haversine_km(commune.latitude, commune.longitude, place.latitude, place.longitude)
                * settings.ROAD_FACTOR,
            )
            for place in places
        ]
        found = [item for item in found if item.distance_km <= radius]
        if len(found) >= limit:
            break
    return sorted(found, key=lambda item: (item.distance_km, item.place.name))[:limit]
