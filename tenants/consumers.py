"""A minimal per-tenant WebSocket: who is connected to this shop's live channel.

Later features (live dashboards, check-in counters) publish into the same
tenant-named groups.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from tenants.channels import group_name


class TenantPresenceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.tenant = self.scope["tenant"]
        self.group = group_name(self.tenant, "presence")
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "tenant": self.tenant.schema_name})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content.get("type") == "ping":
            await self.channel_layer.group_send(
                self.group, {"type": "presence.ping", "text": str(content.get("text", ""))[:200]}
            )

    async def presence_ping(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ping", "text": event["text"], "tenant": self.tenant.schema_name})
