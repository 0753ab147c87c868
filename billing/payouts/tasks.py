"""Payout background work: the schedule (Celery beat) and sending recorded payouts."""

from __future__ import annotations

from celery import shared_task

from billing.payouts import services


@shared_task(name="payouts.run_due_payouts")
def run_due_payouts() -> int:
    """Beat entry point (public schema): send what is stuck, then record what is due."""
    services.resubmit_stale_payouts()
    return len(services.run_due_payouts())


@shared_task(name="payouts.submit_payout")
def submit_payout(*, payout_id: int) -> str:
    """Send one recorded payout to the processor (queued after the payout commits)."""
    return services.submit_payout(payout_id=payout_id).status
