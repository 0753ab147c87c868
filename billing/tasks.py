"""Billing background work: Stripe Billing after commit, dunning on a schedule (public schema)."""

from __future__ import annotations

from celery import shared_task

from billing import subscriptions
from billing.models import Plan


@shared_task(name="billing.sync_plan_price")
def sync_plan_price(*, plan_id: int) -> str:
    """Give a new or repriced plan its Stripe product and price."""
    return subscriptions.ensure_plan_price(plan=Plan.objects.get(pk=plan_id)).stripe_price_id


@shared_task(name="billing.open_provider_subscription")
def open_provider_subscription(*, subscription_id: int) -> str:
    """Create the Stripe side of a subscription started on the platform."""
    return subscriptions.open_provider_subscription(subscription_id=subscription_id).stripe_subscription_id


@shared_task(name="billing.enforce_dunning")
def enforce_dunning() -> int:
    """Beat entry point: suspend resellers whose grace period ran out unpaid."""
    return len(subscriptions.enforce_dunning())
