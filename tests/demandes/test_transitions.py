"""Every allowed and refused move of a request, each through its one function."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from demandes import follow_up, transitions
from demandes.models import EventKind, Orientation, OrientationStatus, Outcome, Request, Status
from tests.accounts.factories import make_coordinator
from tests.demandes.factories import make_request, need, reason
from tests.factories import make_place


@pytest.fixture
def coordinator(db):
    return make_coordinator()


@pytest.fixture
def fablab(db):
    return make_place(
        name="Fablab de Luzy",
        commune="58149",
        equipment=("3d_printer",),
        services=("fabrication_service",),
        email="contact@fablab-luzy.example",
    )


@pytest.fixture
def request_(db):
    return make_request().request


def test_a_request_whose_needs_are_found_arrives_qualified(request_):
    assert request_.status == Status.QUALIFIED
    assert list(request_.need_links.values_list("category__code", flat=True))
    kinds = list(request_.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.QUALIFIED]


def test_a_request_with_no_known_need_stays_new(db):
    created = make_request("Bonjour, pouvez-vous me rappeler ?")
    assert created.request.status == Status.NEW and not created.request.need_links.exists()


def test_correcting_the_needs_moves_between_new_and_qualified(coordinator):
    request_ = make_request("Bonjour, pouvez-vous me rappeler ?").request
    transitions.set_needs(request=request_, actor=coordinator, categories=[need(_any_need_code())])
    request_.refresh_from_db()
    assert request_.status == Status.QUALIFIED
    assert request_.need_links.get().by_coordinator
    transitions.set_needs(request=request_, actor=coordinator, categories=[])
    request_.refresh_from_db()
    assert request_.status == Status.NEW


def _any_need_code() -> str:
    from demandes.models import NeedCategory

    return NeedCategory.objects.order_by("position").values_list("code", flat=True).first()


def test_orienting_sends_the_place_a_link_and_moves_to_oriented(
    coordinator, fablab, request_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    request_.refresh_from_db()
    assert request_.status == Status.ORIENTED and orientation.status == OrientationStatus.SENT
    assert orientation.expires_at - orientation.sent_at == dt.timedelta(days=8)
    event = request_.events.get(kind=EventKind.ORIENTED)
    assert (event.actor, event.from_status, event.to_status) == (coordinator, Status.QUALIFIED, Status.ORIENTED)
    (place_mail,) = [message for message in mail.outbox if "/orientation/" in message.body]
    assert place_mail.to == ["contact@fablab-luzy.example"]
    assert "demandeur@example.org" not in place_mail.body  # contact details only once the place accepts


def test_a_place_accepts_then_closes_with_an_outcome(coordinator, fablab, request_, django_capture_on_commit_callbacks):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    with django_capture_on_commit_callbacks(execute=True):
        transitions.accept(orientation=orientation, actor=None, note="On vous appelle demain.")
    request_.refresh_from_db()
    assert request_.status == Status.IN_PROGRESS
    assert any("va vous aider" in message.subject for message in mail.outbox)
    transitions.finish(orientation=orientation, actor=None, outcome=Outcome.RESOLVED)
    request_.refresh_from_db()
    assert (request_.status, request_.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    assert Orientation.objects.get().status == OrientationStatus.DONE


def test_a_decline_with_no_other_place_returns_the_request_to_the_queue(coordinator, fablab, request_):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    transitions.decline(orientation=orientation, actor=None, reason=reason("decline", "no_capacity"))
    request_.refresh_from_db()
    assert request_.status == Status.QUALIFIED
    assert list(request_.events.values_list("kind", flat=True))[-2:] == [EventKind.DECLINED, EventKind.RETURNED]


def test_a_decline_while_another_place_still_holds_it_keeps_it_oriented(coordinator, fablab, request_):
    other = make_place(
        name="Atelier de Nevers", commune="58194", equipment=("3d_printer",), email="atelier@nevers.example"
    )
    first, _ = transitions.orient(request=request_, actor=coordinator, places=[fablab, other])
    transitions.decline(orientation=first, actor=None, reason=reason("decline", "no_capacity"))
    request_.refresh_from_db()
    assert request_.status == Status.ORIENTED


def test_a_coordinator_closes_a_request_without_solution_and_it_counts_as_unmet(coordinator, request_):
    transitions.close(
        request=request_, actor=coordinator, outcome=Outcome.NO_SOLUTION, reason=reason("closure", "no_place")
    )
    request_.refresh_from_db()
    assert (request_.status, request_.unmet, request_.closure_reason.code) == (Status.CLOSED, True, "no_place")


# Refused moves.


def test_a_closed_request_cannot_move_again(coordinator, fablab, request_):
    transitions.close(request=request_, actor=coordinator, outcome=Outcome.ABANDONED, reason=None)
    for attempt in [
        lambda: transitions.orient(request=request_, actor=coordinator, places=[fablab]),
        lambda: transitions.close(request=request_, actor=coordinator, outcome=Outcome.RESOLVED, reason=None),
        lambda: transitions.set_needs(request=request_, actor=coordinator, categories=[]),
    ]:
        with pytest.raises(transitions.TransitionError):
            attempt()
    request_.refresh_from_db()
    assert request_.outcome == Outcome.ABANDONED


def test_a_place_cannot_answer_twice(coordinator, fablab, request_):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    transitions.accept(orientation=orientation, actor=None)
    with pytest.raises(transitions.TransitionError, match="n'attend plus de réponse"):
        transitions.decline(orientation=orientation, actor=None, reason=reason("decline", "other"))
    with pytest.raises(transitions.TransitionError, match="n'attend plus de réponse"):
        transitions.accept(orientation=orientation, actor=None)


def test_only_an_accepted_orientation_can_be_finished(coordinator, fablab, request_):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    with pytest.raises(transitions.TransitionError, match="prise en charge"):
        transitions.finish(orientation=orientation, actor=None, outcome=Outcome.RESOLVED)


def test_a_closed_place_cannot_be_chosen(coordinator, request_):
    closed = make_place(name="Écocentre", status="closed", equipment=("3d_printer",))
    with pytest.raises(transitions.TransitionError, match="ne sont pas ouverts"):
        transitions.orient(request=request_, actor=coordinator, places=[closed])
    assert not Orientation.objects.exists()


def test_the_same_place_is_not_sent_the_request_twice(coordinator, fablab, request_):
    transitions.orient(request=request_, actor=coordinator, places=[fablab])
    with pytest.raises(transitions.TransitionError, match="déjà envoyée"):
        transitions.orient(request=request_, actor=coordinator, places=[fablab])


def test_a_wrong_kind_of_reason_or_outcome_is_refused(coordinator, fablab, request_):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    with pytest.raises(transitions.TransitionError):
        transitions.decline(orientation=orientation, actor=None, reason=reason("closure", "need_met"))
    with pytest.raises(transitions.TransitionError):
        transitions.close(request=request_, actor=coordinator, outcome="won", reason=None)


def test_a_stale_page_cannot_overwrite_a_newer_state(coordinator, fablab, request_):
    seen = request_.version
    transitions.add_note(request=request_, actor=coordinator, note="J'appelle le fablab.", expected_version=seen)
    with pytest.raises(transitions.StaleRequest, match="modifiée par quelqu'un d'autre"):
        transitions.orient(request=request_, actor=coordinator, places=[fablab], expected_version=seen)
    assert not Orientation.objects.exists()


# Follow-up: reminders, then expiry back to the queue.


def test_a_silent_place_is_reminded_then_the_request_returns_to_the_queue(
    coordinator, fablab, request_, settings, django_capture_on_commit_callbacks
):
    settings.ORIENTATION_REMINDER_DAYS = 3
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        assert follow_up.follow_orientations().reminded == 0
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert follow_up.follow_orientations().reminded == 1
        assert any("Rappel" in message.subject for message in mail.outbox)
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):
        assert follow_up.follow_orientations().reminded == 0
    with time_machine.travel(start + dt.timedelta(days=8, minutes=1), tick=False):
        # Too late, even before the daily follow-up has run.
        with pytest.raises(transitions.TransitionError, match="délai de réponse est dépassé"):
            transitions.accept(orientation=orientation, actor=None)
        assert follow_up.follow_orientations().expired == 1
    orientation.refresh_from_db()
    request_.refresh_from_db()
    assert orientation.status == OrientationStatus.EXPIRED
    assert request_.status == Status.QUALIFIED


def test_every_transition_is_in_the_timeline_with_its_actor(coordinator, fablab, request_):
    (orientation,) = transitions.orient(request=request_, actor=coordinator, places=[fablab])
    transitions.accept(orientation=orientation, actor=None)
    transitions.finish(orientation=orientation, actor=None, outcome=Outcome.RESOLVED)
    events = list(Request.objects.get().events.values_list("kind", "from_status", "to_status"))
    assert events == [
        (EventKind.CREATED, "", Status.NEW),
        (EventKind.QUALIFIED, Status.NEW, Status.QUALIFIED),
        (EventKind.ORIENTED, Status.QUALIFIED, Status.ORIENTED),
        (EventKind.ACCEPTED, Status.ORIENTED, Status.IN_PROGRESS),
        (EventKind.CLOSED, Status.IN_PROGRESS, Status.CLOSED),
    ]
