import datetime as dt

import pytest
import time_machine

from demandes.models import Request
from observatory import requests_stats as stats
from observatory.requests_stats import Period
from tests.factories import make_place
from tests.observatory.factories import at, winter_of_requests

WINTER = Period.between(dt.date(2026, 1, 1), dt.date(2026, 3, 1))


@pytest.fixture
def winter(db):
    requests = winter_of_requests()
    with time_machine.travel(at(2026, 4, 1), tick=False):
        yield requests


def counts(tallies) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def test_the_period_holds_whole_months_in_local_time():
    period = Period.between(dt.date(2026, 1, 15), dt.date(2026, 3, 31))
    assert period.first == dt.date(2026, 1, 1) and period.last == dt.date(2026, 3, 1)
    assert period.start == at(2026, 1, 1, 0) and period.end == at(2026, 4, 1, 0)
    assert period.label == "de janvier 2026 à mars 2026"
    assert Period.last_months(12, dt.date(2026, 3, 20)) == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 1))


def test_the_factories_built_what_the_figures_are_checked_against(winter):
    assert {key: request.unmet for key, request in winter.items()} == {
        "A": False,
        "B": True,
        "C": False,
        "D": True,
        "E": False,
    }
    assert set(winter["A"].needs.values_list("code", flat=True)) == {"3d_printing"}
    assert set(winter["B"].needs.values_list("code", flat=True)) == {"3d_scanning"}
    assert set(winter["C"].needs.values_list("code", flat=True)) == {"3d_printing", "project_prototyping"}
    assert set(winter["D"].needs.values_list("code", flat=True)) == {"embroidery"}


def test_requests_are_counted_by_month_audience_and_need(winter):
    assert stats.total(WINTER) == 4
    assert counts(stats.by_month(WINTER)) == {"2026-01": 2, "2026-02": 1, "2026-03": 1}
    assert counts(stats.by_audience(WINTER)) == {
        "individual": 2,
        "professional": 1,
        "association": 1,
        "public_body": 0,
        "school": 0,
    }
    needs = counts(stats.by_need(WINTER))
    assert (needs["3d_printing"], needs["3d_scanning"], needs["embroidery"], needs[""]) == (2, 1, 1, 0)
    # C names a second need (prototyping): a request counts under each of its needs.
    assert needs["project_prototyping"] == 1
    assert sum(needs.values()) == 5


def test_requests_are_counted_by_the_epci_of_their_commune(winter):
    by_epci = {tally.label: tally.count for tally in stats.by_epci(WINTER)}
    assert sum(by_epci.values()) == 4
    # Luzy and Moulins-Engilbert are both in the Bazois Loire Morvan.
    assert by_epci["Communauté de communes Bazois Loire Morvan"] == 2
    assert len(by_epci) == 3


def test_delays_give_the_median_and_the_90th_percentile_in_days(winter):
    oriented = stats.time_to_first_orientation(WINTER)
    # A waited 1 day, C 3 days: median 2, 90th percentile 1 + 0.9 × (3 − 1) = 2.8.
    assert (oriented.count, oriented.median, oriented.p90) == (2, 2.0, 2.8)
    assert {bucket.label: bucket.count for bucket in oriented.buckets}["moins d'un jour"] == 1
    assert {bucket.label: bucket.count for bucket in oriented.buckets}["1 à 3 jours"] == 1
    closed = stats.time_to_outcome(WINTER)
    # A closed after 10 days, B after 30: median 20, 90th percentile 10 + 0.9 × 20 = 28.
    assert (closed.count, closed.median, closed.p90) == (2, 20.0, 28.0)


def test_outcomes_count_the_closed_ones_and_those_still_open(winter):
    assert counts(stats.outcomes(WINTER)) == {
        "resolved": 1,
        "no_solution": 1,
        "abandoned": 0,
        "rerouted": 0,
        "open": 2,
    }


def test_unmet_needs_say_what_was_asked_where_and_how_often(winter):
    needs = {need.code: (need.count, need.asked, need.communes) for need in stats.unmet_needs(WINTER)}
    assert needs == {"3d_scanning": (1, 1, 1), "embroidery": (1, 1, 1)}
    assert stats.unmet_count(WINTER) == 2
    assert stats.unmet_by_commune(WINTER) == {"58095": 1, "58079": 1}


def test_the_share_oriented_within_n_days_leaves_out_requests_still_within_the_delay(winter):
    share = stats.share_oriented_within(7, period=WINTER)
    assert (share.part, share.total, share.ratio) == (2, 4, 0.5)
    # On 5 March, D (1 March) is only four days old: it still has time, so it is not counted.
    early = stats.share_oriented_within(7, period=WINTER, now=at(2026, 3, 5))
    assert (early.part, early.total) == (2, 3)
    assert stats.share_oriented_within(2, period=WINTER).part == 1


def test_a_request_outside_the_period_is_left_out(winter):
    december = Period.between(dt.date(2025, 12, 1), dt.date(2025, 12, 1))
    assert stats.total(december) == 1
    assert Request.objects.count() == 5


def test_the_directory_freshness_uses_the_national_classes(db):
    today = dt.date(2026, 4, 1)
    for months_ago in (1, 5, 7, 13, 19, 30):
        make_place(commune="58194", date_maj=dt.date(2026, 4, 1) - dt.timedelta(days=30.5 * months_ago))
    make_place(commune="58194", date_maj=None)
    make_place(commune="58194", date_maj=today, status="closed")
    make_place(commune="89024", date_maj=today)  # Auxerre: outside the served territory
    with time_machine.travel(at(2026, 4, 1), tick=False):
        freshness = counts(stats.freshness())
    assert freshness == {"lt6": 2, "6to12": 1, "12to18": 1, "gt18": 2, "unknown": 1}
