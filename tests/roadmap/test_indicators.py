import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from demandes.models import Orientation, Request
from directory.models import Place
from roadmap import indicators
from roadmap.models import Indicator, Measurement
from tests.demandes.factories import make_request
from tests.factories import make_place
from tests.roadmap.factories import make_roadmap, make_sheet

pytestmark = pytest.mark.django_db


def _orient(request: Request, place: Place, *, after: timedelta) -> None:
    sent = request.created_at + after
    Orientation.objects.create(request=request, place=place, sent_at=sent, expires_at=sent + timedelta(days=8))


def test_requests_received_counts_the_window_and_the_filters():
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        make_request(description="imprimante 3D ancienne")
    recent = [make_request(description="imprimer en 3D"), make_request(description="scanner 3D")]
    today = timezone.localdate()
    assert indicators.compute("requests_received", {}, today) == Decimal(len(recent))
    assert indicators.compute("requests_received", {"months": 24}, today) == Decimal(3)
    assert indicators.compute("requests_received", {"audience": "professional"}, today) == Decimal(0)


def test_share_oriented_within_n_days():
    place = make_place()
    quick, slow, never = (make_request().request for _ in range(3))
    _orient(quick, place, after=timedelta(days=2))
    _orient(slow, place, after=timedelta(days=10))
    assert never.orientations.count() == 0
    today = timezone.localdate() + timedelta(days=11)
    assert indicators.compute("share_oriented_within", {"days": 7}, today) == Decimal("33.3")
    assert indicators.compute("share_oriented_within", {"days": 14}, today) == Decimal("66.7")


def test_places_verified_recently():
    today = timezone.localdate()
    make_place(name="Vérifié", verified=True, date_maj=today - timedelta(days=30))
    make_place(name="Ancien", verified=True, date_maj=today - timedelta(days=400))
    make_place(name="Jamais", verified=False, date_maj=None)
    assert indicators.compute("places_verified_recently", {}, today) == Decimal(1)


def test_unmet_needs_counts_uncovered_requests():
    uncovered = make_request().request
    Request.objects.filter(pk=uncovered.pk).update(unmet=True)
    Request.objects.exclude(pk=uncovered.pk).update(unmet=False)
    make_request()
    Request.objects.exclude(pk=uncovered.pk).update(unmet=False)
    assert indicators.compute("unmet_needs", {}, timezone.localdate()) == Decimal(1)


def test_a_figure_from_a_module_not_installed_is_unavailable_not_zero(settings):
    value = indicators.compute("events_held", {}, timezone.localdate())
    from django.apps import apps

    if apps.is_installed("library"):
        assert value is not None
    else:
        assert value is None


def test_monthly_snapshots_keep_the_history_and_a_rerun_replaces_the_days_value():
    sheet = make_sheet(make_roadmap())
    indicator = Indicator.objects.create(sheet=sheet, label="Demandes", computed="requests_received")
    Indicator.objects.create(sheet=sheet, label="Saisi à la main")
    with time_machine.travel(date(2025, 1, 1)):
        make_request()
        call_command("snapshot_indicators", stdout=io.StringIO())
    with time_machine.travel(date(2025, 2, 1)):
        make_request()
        call_command("snapshot_indicators", stdout=io.StringIO())
        make_request()
        call_command("snapshot_indicators", stdout=io.StringIO())
    values = list(Measurement.objects.filter(indicator=indicator).values_list("date", "value"))
    assert values == [(date(2025, 1, 1), Decimal(1)), (date(2025, 2, 1), Decimal(3))]
    assert Measurement.objects.count() == 2


def test_a_bad_date_for_the_snapshot_command_is_refused_in_french():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("snapshot_indicators", date="31/12/2025", stdout=io.StringIO())


def test_resources_published_counts_real_library_rows_from_their_publication_day():
    from library.actions.resources import withdraw_resource
    from library.models import Resource
    from tests.library.factories import coordinator, make_resource

    with time_machine.travel(date(2025, 3, 10), tick=False):
        make_resource(title="Guide de mars")
        make_resource(title="Proposée en mars, publiée en mai", published=False)
        make_resource(title="Jamais publiée", published=False)
    with time_machine.travel(date(2025, 5, 20), tick=False):
        from library.actions.resources import publish_resource

        publish_resource(resource=Resource.objects.get(title__startswith="Proposée"), actor=coordinator())
        withdrawn = make_resource(title="Retirée ensuite")
    withdraw_resource(resource=withdrawn, actor=coordinator())
    assert indicators.compute("resources_published", {}, date(2025, 3, 9)) == Decimal(0)
    assert indicators.compute("resources_published", {}, date(2025, 3, 10)) == Decimal(1)
    # Counted from the day it was published, not the day it was proposed.
    assert indicators.compute("resources_published", {}, date(2025, 4, 30)) == Decimal(1)
    assert indicators.compute("resources_published", {}, date(2025, 5, 20)) == Decimal(2)
    assert indicators.compute("resources_published", {}, timezone.localdate()) == Decimal(2)


def test_events_held_counts_published_events_that_took_place_in_the_window():
    from library.actions.agenda import cancel_event
    from tests.library.factories import coordinator, make_event

    make_event(title="Atelier tenu il y a 10 jours", days_ahead=-10)
    make_event(title="Formation tenue il y a 40 jours", days_ahead=-40, kind="training")
    make_event(title="Brouillon passé", days_ahead=-5, published=False)
    cancel_event(event=make_event(title="Annulé", days_ahead=-3), actor=coordinator())
    make_event(title="À venir", days_ahead=5)
    make_event(title="Il y a deux ans", days_ahead=-730)
    today = timezone.localdate()
    assert indicators.compute("events_held", {}, today) == Decimal(2)
    assert indicators.compute("events_held", {"months": 1}, today) == Decimal(1)
    assert indicators.compute("events_held", {"months": 36}, today) == Decimal(3)
    # A snapshot written for an earlier date counts what was held by then.
    assert indicators.compute("events_held", {}, today - timedelta(days=20)) == Decimal(1)
