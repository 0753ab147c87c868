"""Rate limits per key and per client address: 429 with Retry-After, counted in the cache."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from billing.models import Plan
from tenants.models import Tenant
from tests.services import requires_redis

from .conftest import api_client, make_key
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


def _limit_growth_plan(per_key: int, per_ip: int) -> None:
    plan = Plan.objects.get(code="growth")
    plan.limits = {
        **plan.limits,
        "api_requests_per_minute": per_key,
        "api_requests_per_minute_per_ip": per_ip,
    }
    plan.save()


def test_a_key_past_its_plans_limit_gets_429_with_retry_after(api_shops: tuple[Tenant, Tenant]) -> None:
    _limit_growth_plan(per_key=3, per_ip=100)
    client = api_client("acme.localhost", make_key("acme"))
    assert [client.get("/api/v1/events/").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/events/")
    assert_problem(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another key of the same shop has its own allowance.
    assert api_client("acme.localhost", make_key("acme")).get("/api/v1/events/").status_code == 200


def test_one_address_is_limited_across_keys_and_with_keys_that_are_refused(
    api_shops: tuple[Tenant, Tenant],
) -> None:
    _limit_growth_plan(per_key=100, per_ip=2)
    first, second = (api_client("acme.localhost", make_key("acme")) for _ in range(2))
    assert first.get("/api/v1/events/").status_code == 200
    assert second.get("/api/v1/events/").status_code == 200
    assert_problem(first.get("/api/v1/events/"), 429, "rate_limited")
    assert_problem(
        api_client("acme.localhost", "tk_guessing_keys").get("/api/v1/events/"), 429, "rate_limited"
    )
    other_address = Client(
        HTTP_HOST="acme.localhost",
        REMOTE_ADDR="10.0.0.7",
        HTTP_AUTHORIZATION=first.defaults["HTTP_AUTHORIZATION"],
    )
    assert other_address.get("/api/v1/events/").status_code == 200


def test_guessing_keys_counts_against_the_address_and_ends_in_429(api_shops: tuple[Tenant, Tenant]) -> None:
    _limit_growth_plan(per_key=100, per_ip=2)
    guessing = api_client("acme.localhost", "tk_guessing_keys")

    answers = [guessing.get("/api/v1/events/") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert_problem(answers[2], 429, "rate_limited")


@requires_redis
@pytest.mark.redis
def test_limits_are_counted_in_redis_when_it_is_configured(
    api_shops: tuple[Tenant, Tenant], settings: Any
) -> None:
    # A prefix of its own instead of flushing: the Redis server is shared (other tests use it as a broker).
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "KEY_PREFIX": f"api-rate-test-{uuid.uuid4().hex}",
        },
    }
    _limit_growth_plan(per_key=2, per_ip=100)
    client = api_client("acme.localhost", make_key("acme"))
    assert [client.get("/api/v1/events/").status_code for _ in range(3)] == [200, 200, 429]
