"""Inventory background work: holds give their tickets back once their time is up."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from ticketing.inventory.services import expire_holds
from ticketing.schedule import shops


@shared_task(name="inventory.expire_holds")
def expire_holds_task() -> int:
    """Expire due holds in the schema the task was queued from."""
    return expire_holds()


@shared_task(name="inventory.expire_holds_everywhere")
def expire_holds_everywhere() -> int:
    """Beat entry point (public schema): expire due holds in every reseller's schema."""
    expired = 0
    for tenant in shops():
        with tenant_context(tenant):
            expired += expire_holds()
    return expired
