import re

from observatory.maps import Frame, _ring_path, frame_for, outlines_for, place_markers, site_markers
from territory.models import Commune

STEP = re.compile(r"-?\d+")


def test_a_ring_is_drawn_in_whole_units_relative_to_its_first_point():
    frame = frame_for(3.0, 47.0, 4.0, 47.5)
    assert frame.width == 1000 and 400 < frame.height < 800
    path = _ring_path([[3.0, 47.0], [4.0, 47.0], [4.0, 47.5], [3.0, 47.5], [3.0, 47.0]], frame)
    assert path.startswith("M12 ") and path.endswith("z")
    numbers = [int(n) for n in STEP.findall(path)]
    steps = numbers[2:]
    # Three steps (the fourth is the closing "z"): right, up, left.
    assert len(steps) == 6
    assert steps[0] == 976 and steps[1] == 0
    assert steps[4] == -976


def test_a_ring_smaller_than_a_unit_is_left_out():
    frame = frame_for(3.0, 47.0, 4.0, 47.5)
    assert _ring_path([[3.5, 47.2], [3.50001, 47.2], [3.5, 47.20001], [3.5, 47.2]], frame) == ""


def test_the_served_communes_are_drawn_inside_the_frame(db):
    codes = list(Commune.objects.served().values_list("code", flat=True))
    outlines = outlines_for(codes)
    assert set(outlines.paths) == set(codes)
    for path in outlines.paths.values():
        x = y = 0
        for ring in re.findall(r"M(-?\d+) (-?\d+)l([^z]*)z", path):
            x, y = int(ring[0]), int(ring[1])
            assert 0 <= x <= outlines.frame.width and 0 <= y <= outlines.frame.height
            numbers = [int(n) for n in STEP.findall(ring[2])]
            for dx, dy in zip(numbers[0::2], numbers[1::2], strict=True):
                x, y = x + dx, y + dy
                assert -1 <= x <= outlines.frame.width + 1 and -1 <= y <= outlines.frame.height + 1
    assert outlines_for(["00000"]) is None


def test_markers_off_the_map_or_on_the_same_spot_are_drawn_once_or_not_at_all():
    frame = Frame(min_lon=3.0, max_lat=47.5, kx=0.68, scale=1400.0, width=1000, height=700)
    markers = place_markers(
        frame, [(47.2, 3.5, False, "A"), (47.2, 3.5, False, "B"), (47.2, 3.5, True, "C"), (40.0, 3.5, False, "D")]
    )
    assert [(marker.shape, marker.title) for marker in markers] == [("place", "A"), ("stop", "C")]
    sites = site_markers(frame, [(((47.2, 3.5), (47.3, 3.6)), "Bus"), (((47.1, 3.4),), "Fablab")])
    assert [(marker.label, marker.title) for marker in sites] == [("1", "1. Bus"), ("1", "1. Bus"), ("2", "2. Fablab")]
