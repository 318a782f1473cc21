"""Rows of several tables written together: the rows read back are those given, in one statement on PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from aiguillage import rows
from aiguillage.models import PendingEmail
from demandes.models import EventKind, NeedCategory, Request, RequestEvent, RequestNeed, Status
from territory.models import Commune
from tests.demandes.factories import make_request

pytestmark = pytest.mark.django_db


def _request(pk: int, reference: str) -> Request:
    return Request(
        pk=pk,
        reference=reference,
        tracking_key_hash="0" * 64,
        channel="web",
        description="Apprendre à envoyer un courriel",
        commune=Commune.objects.get(code="58194"),
        status=Status.QUALIFIED,
        version=2,
    )


def _written_together() -> tuple[Request, list[RequestNeed], list[RequestEvent], PendingEmail]:
    with transaction.atomic():
        request = _request(rows.new_pk(Request), "58-2026-90001")
    needs = [
        RequestNeed(request=request, category=category, evidence=["courriel"])
        for category in NeedCategory.objects.order_by("pk")[:2]
    ]
    events = [
        RequestEvent(request=request, kind=EventKind.CREATED, to_status=Status.NEW, note="Site web"),
        RequestEvent(request=request, kind=EventKind.QUALIFIED, from_status=Status.NEW, to_status=Status.QUALIFIED),
    ]
    pending = PendingEmail(builder="demandes.notifications.created_emails", payload={"request_id": request.pk})
    with transaction.atomic():
        rows.insert_together([request], needs, events, [pending])
    return request, needs, events, pending


def test_every_row_is_written_as_given_and_gets_its_id():
    request, needs, events, pending = _written_together()

    for row in [request, *needs, *events, pending]:
        assert row.pk is not None
        assert not row._state.adding
        stored = type(row).objects.get(pk=row.pk)
        assert model_to_dict(stored) == model_to_dict(row)
    assert list(RequestNeed.objects.filter(request=request).order_by("pk")) == needs
    kinds = [event.kind for event in RequestEvent.objects.filter(request=request).order_by("pk")]
    assert kinds == [EventKind.CREATED, EventKind.QUALIFIED]
    # The timestamps filled in at insert are those stored.
    assert Request.objects.get(pk=request.pk).created_at == request.created_at


def test_the_id_taken_first_is_not_given_to_anyone_else():
    first, *_ = _written_together()
    with transaction.atomic():
        second = make_request().request
    assert second.pk > first.pk
    last = second.pk
    second.delete()
    with transaction.atomic():
        assert rows.new_pk(Request) > last


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
def test_on_postgresql_the_tables_are_written_in_one_statement():
    with transaction.atomic():
        request = _request(rows.new_pk(Request), "58-2026-90002")
    events = [RequestEvent(request=request, kind=EventKind.CREATED, to_status=Status.NEW)]
    pending = PendingEmail(builder="demandes.notifications.created_emails", payload={"request_id": request.pk})
    with CaptureQueriesContext(connection) as sent:
        rows.insert_together([request], [], events, [pending])
    assert len(sent.captured_queries) == 1
    assert sent.captured_queries[0]["sql"].startswith("WITH q0 AS (INSERT INTO")
    assert RequestEvent.objects.filter(request=request).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
def test_on_postgresql_a_failing_part_leaves_none_of_the_rows():
    with transaction.atomic():
        request = _request(rows.new_pk(Request), "58-2026-90003")
    # An event of a request that does not exist: checked at the end of the statement (not at a commit, which a
    # test does not reach), it fails the whole statement.
    orphan = RequestEvent(request_id=request.pk + 1000, kind=EventKind.CREATED, to_status=Status.NEW)
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rows.insert_together([request], [orphan])
    assert not Request.objects.filter(reference="58-2026-90003").exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="a sequence needs no transaction")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_an_id_is_taken_inside_the_writing_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        rows.new_pk(Request)


def test_a_group_mixing_rows_with_and_without_id_is_refused():
    first = PendingEmail(pk=10_000, builder="x")
    second = PendingEmail(builder="y")
    with pytest.raises(ValueError, match="all have an id or none"):
        rows.insert_together([first, second])
    assert not PendingEmail.objects.exists()
