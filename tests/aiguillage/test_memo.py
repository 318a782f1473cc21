"""Values kept in each process's memory under a token in the shared cache."""

import pytest
from django.core.cache import cache

from aiguillage import memo


@pytest.mark.django_db
def test_a_value_is_read_once_then_kept_until_forgotten():
    reads = []

    def load() -> list[int]:
        reads.append(1)
        return [len(reads)]

    assert memo.get_or_set("essai", load, timeout=60) == [1]
    assert memo.get_or_set("essai", load, timeout=60) == [1]
    memo.forget("essai")
    assert memo.get_or_set("essai", load, timeout=60) == [2]
    assert len(reads) == 2


def test_another_server_forgetting_the_value_makes_this_process_read_it_again():
    reads = []
    memo.get_or_set("essai-partage", lambda: reads.append(1) or "v1", timeout=60)
    # What forget() on another server leaves in the shared cache: no token.
    cache.delete("memo:essai-partage")
    assert memo.get_or_set("essai-partage", lambda: reads.append(1) or "v2", timeout=60) == "v2"
    assert len(reads) == 2
