"""API background work: idempotency records past their 24 hours are deleted."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from api.services import purge_idempotency_records
from ticketing.schedule import shops


@shared_task(name="api.purge_idempotency_records_everywhere")
def purge_idempotency_records_everywhere() -> int:
    """Beat entry point (public schema): purge old idempotency records in every schema with keys."""
    purged = purge_idempotency_records()
    for tenant in shops():
        with tenant_context(tenant):
            purged += purge_idempotency_records()
    return purged
