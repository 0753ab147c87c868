"""Domain events written in the same transaction as the change they describe (tenant schema).

The outbox is the shop's event log: what happened, in order, as JSON. Relays (the webhook
fan-out in api/webhooks) read the rows not relayed yet after the commit, or on a schedule
when no worker was running, so an event is never lost between the commit and the delivery.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Q


class EventType(StrEnum):
    """The events the shop publishes; webhook endpoints subscribe to some of them."""

    ORDER_CREATED = "order.created"
    ORDER_PAID = "order.paid"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_EXPIRED = "order.expired"
    ORDER_REFUNDED = "order.refunded"
    EVENT_SOLD_OUT = "event.sold_out"
    EVENT_CANCELLED = "event.cancelled"
    TICKET_CHECKED_IN = "ticket.checked_in"


class OutboxEvent(models.Model):
    public_id = models.CharField(max_length=40, unique=True, help_text="evt_…: receivers deduplicate by it.")
    type = models.CharField(max_length=64)
    payload = models.JSONField()
    object_type = models.CharField(
        max_length=32, blank=True, help_text="What the event is about: order, event…"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(null=True, blank=True, help_text="Fanned out to the relays.")

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["id"], condition=Q(relayed_at__isnull=True), name="outbox_not_relayed"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"

    @property
    def data(self) -> dict[str, Any]:
        """The payload, its ``id`` filled in from ``object_id`` where the row was written in the same
        statement as its object (whose id was not known yet when the payload was built)."""
        if self.object_id is not None and self.payload.get("id") is None:
            return {**self.payload, "id": self.object_id}
        return dict(self.payload)
