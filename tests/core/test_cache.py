from __future__ import annotations

from core.cache import ReusedClientRedisCache
from tests.services import requires_redis


@requires_redis
def test_redis_cache_reuses_one_client_and_still_reads_what_it_wrote() -> None:
    cache = ReusedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "test-reused-client"})
    try:
        cache.set("route", {"schema": "acme"}, 30)
        assert cache.get("route") == {"schema": "acme"}
        assert cache.get("missing", "default") == "default"
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
    finally:
        cache.delete("route")
