"""Webhook background work: the relay queued after each commit that recorded domain events,
single deliveries (redelivery, test events), and the beat sweep across the shops.

Tasks queued in a shop run in that shop's schema (tenant-schemas-celery); the sweep runs in
the public schema and queues one relay per shop that has work.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.webhooks import selectors, services
from ticketing.schedule import shops

DELIVERY_BATCH = 100


@shared_task(name="webhooks.relay_outbox")
def relay_outbox() -> int:
    """Fan the shop's new outbox events out to its endpoints, then attempt what is due."""
    relayed = services.relay_outbox()
    # A few batches per run; whatever is left is due and the next sweep takes it.
    for _ in range(10):
        if services.deliver_due(limit=DELIVERY_BATCH) < DELIVERY_BATCH:
            break
    return relayed


@shared_task(name="webhooks.deliver")
def deliver(*, delivery_id: int, manual: bool = False) -> None:
    """Attempt one delivery now (a redelivery or a test event, queued after commit)."""
    services.deliver(delivery_id=delivery_id, manual=manual)


@shared_task(name="webhooks.sweep_everywhere")
def sweep_everywhere() -> int:
    """Beat entry point (public schema): queue a relay in every shop with events or retries waiting.

    Catches what was written while no worker ran and the retries whose time has come.
    """
    queued = 0
    now = timezone.now()
    for tenant in shops():
        with tenant_context(tenant):
            if selectors.relay_has_work(now=now):
                relay_outbox.delay()
                queued += 1
    return queued
