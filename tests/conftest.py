import pytest
from django.core.management import call_command

from territory.models import Commune


def _ensure_territory() -> None:
    if not Commune.objects.exists():
        call_command("load_territory", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """Load France's communes once per test database: every feature stands on them."""
    with django_db_blocker.unblock():
        _ensure_territory()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests use a live server, whose database is flushed after each test:
    # run them last so that the other tests keep the communes loaded once.
    # Tests against a server in another process flush the database too.
    items.sort(key=lambda item: any(item.get_closest_marker(name) for name in ("browser", "server_process")))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches: cached filter lists, counters and kept pages never leak between tests."""
    from django.core.cache import caches

    def clear() -> None:
        for store in caches.all():
            try:
                store.clear()
            except Exception:  # noqa: BLE001 - a test that points a cache at a server that is down
                pass

    clear()
    yield
    clear()


@pytest.fixture(scope="session", autouse=True)
def _emails_through_the_outbox(django_test_environment):  # noqa: ANN001, ANN202
    """Django's test set-up swaps in its memory backend: put the real outbox back in front of it."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "aiguillage.outbox.OutboxBackend"
