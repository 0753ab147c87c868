"""Ledger background work (public schema)."""

from __future__ import annotations

from celery import shared_task

from billing.ledger.reconciliation import reconcile_with_provider as reconcile


@shared_task(name="ledger.reconcile_with_provider")
def reconcile_with_provider() -> int:
    """Beat entry point (daily): compare the ledger with the processor, report mismatches."""
    return reconcile().mismatch_count
