from __future__ import annotations

import uuid

from django.core.cache.backends.locmem import LocMemCache

from core.cache import ReusedClientRedisCache, incr_counters
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


@requires_redis
def test_a_redis_counter_counts_and_expires_from_its_first_count() -> None:
    prefix = f"test-counter-{uuid.uuid4().hex}"
    cache = ReusedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": prefix})
    client = cache._cache.get_client()

    counts = [incr_counters(cache, ["requests"], 60)[0] for _ in range(3)]

    assert counts == [1, 2, 3]
    assert 0 < client.ttl(cache.make_key("requests")) <= 60
    assert cache.get("requests") == 3  # an integer Django's cache reads back as such
    cache.delete("requests")


@requires_redis
def test_several_redis_counters_count_each_on_its_own_in_one_pipeline() -> None:
    prefix = f"test-counters-{uuid.uuid4().hex}"
    cache = ReusedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": prefix})
    client = cache._cache.get_client()

    first = incr_counters(cache, ["address", "key"], 60)
    second = incr_counters(cache, ["address", "other-key"], 30)

    assert (first, second) == ([1, 1], [2, 1])
    assert 30 < client.ttl(cache.make_key("address")) <= 60  # kept from its first count
    assert 0 < client.ttl(cache.make_key("other-key")) <= 30
    cache.delete_many(["address", "key", "other-key"])


def test_other_caches_count_with_add_and_incr() -> None:
    cache = LocMemCache("test-counter", {})

    assert [incr_counters(cache, ["requests"], 60)[0] for _ in range(3)] == [1, 2, 3]
    assert incr_counters(cache, ["requests", "others"], 60) == [4, 1]
