"""Per-process copies of a shop's read-mostly settings, valid while its route is unchanged.

Every storefront request and API call reads a few small per-shop values from the shared
cache (regions, payment options, theme, API key grants, plan terms): with Redis, each read
is a network round trip costing about 0.1 ms of CPU on the web process, several per request.
This keeps the last value each web process read, and trusts it only while the tenant's route,
which every request reads from the shared cache anyway (tenants.routing), is the one it was
read under.

Each route entry carries a token made when it was cached (``Tenant.route_token``); copies here
are tagged with it. Changing one of these values goes through ``forget()``, which deletes the
shared entry and the tenant's routes (now and again after commit). The next request in any
process then rebuilds the route with a new token, and every copy tagged with the old one is
ignored. So a change reaches all processes as soon as it would have without this layer:
no process serves a copy the shared cache no longer holds, except within a request that
began before the change.

Outside a routed request (Celery tasks, commands: no route token on the connection's tenant)
reads go to the shared cache directly. Values are kept pickled, so every read gets its own
copy, as from the shared cache.
"""

from __future__ import annotations

import pickle
import time
from typing import Any

from django.core.cache import caches
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenants import routing
from tenants.context import current_schema_name

MAX_ENTRIES = 20_000  # a few values per shop; past this the copies are dropped and re-read


def current_route_token() -> str | None:
    """The token of the route the current request came by, None outside a routed request."""
    return getattr(getattr(connection, "tenant", None), "route_token", None)


class NearCache:
    """Per-process copies in front of a shared cache alias, for values of the current tenant."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._copies: dict[str, tuple[str, float, bytes]] = {}  # key -> (route token, expiry, pickle)

    def get(self, key: str, timeout: float) -> Any:
        """The value, or None when neither this process nor the shared cache holds it.

        ``timeout`` bounds how long this process keeps a value it read from the shared cache
        (the same as the value's own timeout in the shared cache).
        """
        token = current_route_token()
        shared = caches[self.alias]
        if token is None:
            return shared.get(key)
        full_key = shared.make_key(key)
        copy = self._copies.get(full_key)
        now = time.monotonic()
        if copy is not None and copy[0] == token and copy[1] > now:
            return pickle.loads(copy[2])  # noqa: S301 (pickled by this process, never received)
        value = shared.get(key)
        if value is not None:
            self._keep(full_key, token, now + timeout, value)
        return value

    def set(self, key: str, value: Any, timeout: float) -> None:
        shared = caches[self.alias]
        shared.set(key, value, timeout)
        token = current_route_token()
        if token is not None:
            self._keep(shared.make_key(key), token, time.monotonic() + timeout, value)

    def forget(self, key: str) -> None:
        """The value changed: drop it here, in the shared cache and, through the tenant's routes,
        in every other process. Now, and again after commit (a request meanwhile may have cached
        what the database held before the change)."""
        shared = caches[self.alias]
        self._copies.pop(shared.make_key(key), None)
        shared.delete(key)
        schema = current_schema_name()

        def after_commit() -> None:
            with schema_context(schema):
                shared.delete(key)

        transaction.on_commit(after_commit)
        routing.forget_schema(schema)

    def clear(self) -> None:
        """Drop this process's copies (the shared cache keeps its entries)."""
        self._copies.clear()

    def _keep(self, full_key: str, token: str, expires: float, value: Any) -> None:
        if len(self._copies) >= MAX_ENTRIES:
            self._copies.clear()
        self._copies[full_key] = (token, expires, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


near_cache = NearCache()
