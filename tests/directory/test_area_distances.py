"""The distances of many points measured in one loop are the very floats measured one at a time: the ranking of
places, and the edge of a search's reach, cannot move."""

import random

import pytest

from aiguillage.lib.geo import haversine_km, haversine_km_from
from directory.index import Area


@pytest.mark.parametrize(
    ("latitude", "longitude", "km"),
    [(47.0, 3.16, 30.0), (48.8566, 2.3522, 5.0), (-21.11, 55.53, 60.0), (43.7, 7.25, 0.5), (51.0, 2.37, 150.0)],
)
def test_distances_in_one_loop_are_those_of_one_point_at_a_time(latitude, longitude, km):
    area = Area.around(latitude, longitude, km)
    box, rng = area.box, random.Random(f"{latitude},{longitude}")
    points = [(rng.uniform(box.min_lat, box.max_lat), rng.uniform(box.min_lon, box.max_lon)) for _ in range(2000)]
    # The centre itself, and the corners of the box, which are out of reach.
    points += [(latitude, longitude), (box.min_lat, box.min_lon), (box.max_lat, box.max_lon)]
    one_at_a_time = [haversine_km(latitude, longitude, lat, lon) for lat, lon in points]
    assert haversine_km_from(latitude, longitude, points) == one_at_a_time
    road = [value * area.road_factor for value in one_at_a_time]
    assert area.distances(points) == [value if value <= km + 1e-6 else None for value in road]
    # Both sides of the edge are among the points: some are in reach, some are not.
    reached = area.distances(points)
    assert None in reached and any(value is not None and value > km * 0.9 for value in reached)
    assert reached[-3] == 0.0 and reached[-2] is None and reached[-1] is None
