"""Tenant context for WebSockets.

Django's tenant middleware runs only for HTTP, so the WebSocket stack resolves the
tenant from the Host header here, before any consumer runs, and consumers name their
groups through ``group_name`` so that no message crosses from one reseller to another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django_tenants.utils import tenant_context

from tenants import routing
from tenants.models import Tenant

REJECTED_UNKNOWN_HOST = 4404
REJECTED_UNAVAILABLE = 4503


def _hostname(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value.decode("latin-1").split(":")[0].strip().lower()
    return ""


class TenantWebsocketMiddleware:
    """Puts ``scope["tenant"]`` on every WebSocket connection, or refuses it."""

    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        tenant = await database_sync_to_async(routing.tenant_for_hostname)(_hostname(scope))
        if tenant is None or not (tenant.is_public or tenant.serves_storefront):
            await receive()  # the websocket.connect message
            code = REJECTED_UNKNOWN_HOST if tenant is None else REJECTED_UNAVAILABLE
            await send({"type": "websocket.close", "code": code})
            return None
        return await self.inner({**scope, "tenant": tenant}, receive, send)


def group_name(tenant: Tenant, topic: str) -> str:
    """A channel-layer group that belongs to one tenant."""
    return f"{tenant.schema_name}.{topic}"


def in_tenant(tenant: Tenant, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a synchronous function so it runs in the tenant's schema from an async consumer."""

    def run(*args: Any, **kwargs: Any) -> Any:
        with tenant_context(tenant):
            return function(*args, **kwargs)

    return database_sync_to_async(run)
