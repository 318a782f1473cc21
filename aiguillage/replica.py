"""Reads of the public API from a PostgreSQL read replica, when one is configured (DATABASE_REPLICA_URL).

The middleware marks a GET or HEAD of the read API (/api/v1/places, /communes, /vocabularies…); while it is
being answered the router sends every read to the "replica" database, and writes (a rate-limit row, nothing
else on these endpoints) still go to the primary. Everything else reads the primary: a coordinator must see
what they have just written, and a replica may lag a few seconds behind.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("read_replica", default=False)
# Endpoints that write or must read their own writes, under the read API's prefix.
PRIMARY_ONLY = ("/api/v1/requests", "/api/v1/suggestions")


def is_read_api(request: HttpRequest) -> bool:
    path = request.path
    return (
        request.method in ("GET", "HEAD")
        and path.startswith(settings.READ_REPLICA_PREFIX)
        and not path.startswith(PRIMARY_ONLY)
    )


class ReadReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if REPLICA not in settings.DATABASES or not is_read_api(request):
            return self.get_response(request)
        token = _reading.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)


class ReadReplicaRouter:
    def db_for_read(self, model: type, **hints: object) -> str | None:
        return REPLICA if _reading.get() else None

    def db_for_write(self, model: type, **hints: object) -> str | None:
        return "default"

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool | None:
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool | None:
        # The replica follows the primary through PostgreSQL's replication, never through Django's migrations.
        return db != REPLICA
