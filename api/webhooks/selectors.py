"""Webhook reads for the back office and the API."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from api.webhooks.models import Delivery, DeliveryAttempt, WebhookEndpoint
from ticketing.outbox.models import OutboxEvent


def endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("pk")


def endpoint(pk: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(pk=pk).first()


def deliveries(*, endpoint: WebhookEndpoint | None = None) -> QuerySet[Delivery]:
    """Newest first, with their event and endpoint (one query)."""
    rows = Delivery.objects.select_related("event", "endpoint").order_by("-created_at", "-pk")
    return rows.filter(endpoint=endpoint) if endpoint is not None else rows


def delivery(pk: int) -> Delivery | None:
    return Delivery.objects.select_related("event", "endpoint").filter(pk=pk).first()


def attempts_of(delivery: Delivery) -> list[DeliveryAttempt]:
    return list(delivery.attempt_log.order_by("-number", "-pk"))


def relay_has_work(*, now: datetime) -> bool:
    """Outbox events not fanned out yet, or deliveries due on an active endpoint."""
    return (
        OutboxEvent.objects.filter(relayed_at__isnull=True).exists()
        or Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
        ).exists()
    )
