"""Branding background work: the periodic check of custom domains waiting for their DNS record."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from branding.services import check_pending_custom_domains
from tenants.selectors import serving_tenants


@shared_task(name="branding.verify_custom_domains_everywhere")
def verify_custom_domains_everywhere() -> dict[str, int]:
    """Beat entry point (public schema): route every custom hostname whose TXT record now proves
    ownership, in every open shop. Each run retries what the last one could not verify."""
    totals = {"verified": 0, "still_pending": 0, "expired": 0}
    for tenant in serving_tenants():
        with tenant_context(tenant):
            summary = check_pending_custom_domains()
        totals["verified"] += len(summary.verified)
        totals["still_pending"] += len(summary.still_pending)
        totals["expired"] += len(summary.expired)
    return totals
