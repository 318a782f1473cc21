import pytest

from funding import catalogue, search


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each test reads the catalogue it wrote: the per-process copy never leaks between tests."""
    catalogue.forget()
    search.forget_communes()
    yield
    catalogue.forget()
    search.forget_communes()
