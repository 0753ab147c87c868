"""WebSockets resolve the tenant from the Host header; groups never cross tenants."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from controlplane.asgi import application
from tenants.models import Tenant
from tenants.services import resume_tenant, suspend_tenant
from tests.services import requires_redis


def connect(host: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/presence/", headers=[(b"host", host.encode())])


async def presence_round_trip() -> dict[str, Any]:
    acme_a, acme_b, bravo = (
        connect("acme.localhost"),
        connect("acme.localhost"),
        connect("bravo.localhost:8000"),
    )
    seen: dict[str, Any] = {}
    for name, socket in (("acme_a", acme_a), ("acme_b", acme_b), ("bravo", bravo)):
        connected, _ = await socket.connect()
        assert connected, name
        seen[f"{name}_hello"] = await socket.receive_json_from()

    await acme_a.send_json_to({"type": "ping", "text": "hello acme"})
    seen["acme_b_ping"] = await acme_b.receive_json_from(timeout=5)
    seen["acme_a_ping"] = await acme_a.receive_json_from(timeout=5)
    seen["bravo_got_nothing"] = await bravo.receive_nothing(timeout=0.5)
    for socket in (acme_a, acme_b, bravo):
        await socket.disconnect()
    return seen


def assert_isolated(seen: dict[str, Any]) -> None:
    assert seen["acme_a_hello"] == {"type": "hello", "tenant": "acme"}
    assert seen["bravo_hello"] == {"type": "hello", "tenant": "bravo"}
    assert seen["acme_b_ping"] == {"type": "ping", "text": "hello acme", "tenant": "acme"}
    assert seen["acme_a_ping"]["tenant"] == "acme"
    assert seen["bravo_got_nothing"] is True


def test_group_messages_stay_within_one_tenant_in_memory(db: None) -> None:
    assert_isolated(asyncio.run(presence_round_trip()))


@requires_redis
def test_group_messages_stay_within_one_tenant_over_redis(db: None, settings: Any) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:6379/14"]},
        }
    }
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    assert_isolated(asyncio.run(presence_round_trip()))


async def connect_and_close_code(host: str) -> tuple[bool, int | str | None]:
    socket = connect(host)
    connected, code = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected, code


def test_an_unknown_host_is_refused(db: None) -> None:
    assert asyncio.run(connect_and_close_code("nobody.localhost")) == (False, 4404)


def test_a_suspended_reseller_is_refused(committed: None) -> None:
    acme = Tenant.objects.get(schema_name="acme")
    suspend_tenant(tenant=acme, actor=None)
    try:
        assert asyncio.run(connect_and_close_code("acme.localhost")) == (False, 4503)
    finally:
        resume_tenant(tenant=acme, actor=None)
