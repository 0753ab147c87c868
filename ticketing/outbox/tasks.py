"""Outbox upkeep on a schedule: old events are pruned in every shop."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from ticketing.outbox.services import prune_events
from ticketing.schedule import shops


@shared_task(name="outbox.prune_everywhere")
def prune_everywhere() -> int:
    """Beat entry point (public schema): delete old relayed events in every reseller's schema."""
    pruned = 0
    for tenant in shops():
        with tenant_context(tenant):
            pruned += prune_events()
    return pruned
