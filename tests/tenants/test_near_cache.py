"""Per-process copies of a shop's settings (tenants.near_cache), two web processes simulated by
two NearCache instances over the one shared cache."""

from __future__ import annotations

import time

from django.core.cache import caches
from django.db import connection
from django_tenants.utils import schema_context

from tenants import routing
from tenants.models import Tenant
from tenants.near_cache import NearCache, current_route_token


def _routed(hostname: str) -> Tenant:
    """What the routing middleware does at the start of a request."""
    tenant = routing.tenant_for_hostname(hostname)
    assert tenant is not None
    connection.set_tenant(tenant)  # type: ignore[attr-defined]
    return tenant


def test_a_route_carries_a_token_that_changes_when_the_route_is_forgotten(acme: Tenant) -> None:
    first = _routed("acme.localhost").route_token
    assert first and _routed("acme.localhost").route_token == first  # cached route, same token

    routing.forget_schema("acme")

    assert _routed("acme.localhost").route_token not in (None, first)


def test_a_copy_is_served_until_any_process_forgets_the_value(acme: Tenant) -> None:
    here, there = NearCache(), NearCache()
    shared = caches["default"]
    _routed("acme.localhost")
    here.set("regions", ["EU"], 300)
    assert there.get("regions", 300) == ["EU"]  # read from the shared cache, and kept

    shared.set("regions", ["changed behind its back"], 300)
    assert there.get("regions", 300) == ["EU"]  # its copy: no round trip to the shared cache

    here.forget("regions")  # staff changed the regions, in the other process
    assert shared.get("regions") is None
    shared.set("regions", ["EU", "US"], 300)  # read again from the database by some request
    _routed("acme.localhost")  # the next request in this process: the route is read anew

    assert there.get("regions", 300) == ["EU", "US"]


def test_copies_are_per_shop_and_each_read_gets_its_own(acme: Tenant, bravo: Tenant) -> None:
    near = NearCache()
    _routed("acme.localhost")
    near.set("options", {"methods": ["card"]}, 300)
    near.get("options", 300)["methods"].append("tampered")

    assert near.get("options", 300) == {"methods": ["card"]}
    _routed("bravo.localhost")
    assert near.get("options", 300) is None


def test_outside_a_routed_request_reads_go_to_the_shared_cache(acme: Tenant) -> None:
    near = NearCache()
    with schema_context("acme"):  # as in a Celery task: no route, no token
        assert current_route_token() is None
        near.set("theme", "blue", 300)
        caches["default"].set("theme", "green", 300)
        assert near.get("theme", 300) == "green"


def test_a_copy_expires_with_the_timeout_it_was_read_with(acme: Tenant) -> None:
    near = NearCache()
    _routed("acme.localhost")
    near.set("terms", "old", 0.01)
    caches["default"].set("terms", "new", 300)
    time.sleep(0.02)
    assert near.get("terms", 300) == "new"
