import pytest

from funding import catalogue


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each test reads the funding catalogue it wrote: the per-process copy never leaks between tests."""
    catalogue.forget()
    yield
    catalogue.forget()
