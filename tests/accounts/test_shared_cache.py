"""Rate limits hold across app servers: they share their counters through the cache (Redis in production)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from accounts import throttle

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")


def test_a_second_app_server_sees_the_counters_of_the_first():
    cache.clear()
    limit = throttle.Limit("shared-test", 3, 60)
    for _ in range(3):
        throttle.hit(limit, "198.51.100.20")
    other_server = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]})
    key = throttle.cache_key(limit, "198.51.100.20")
    assert int(other_server.get(key)) == 3
    other_server.incr(key)
    assert throttle.count(limit, "198.51.100.20") == 4
    cache.clear()
