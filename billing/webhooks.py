"""What the platform does with the processor's events: dunning, subscription state, payouts.

Each event is applied once: its id is recorded after it was handled, and a second
delivery (Stripe retries, or sends twice) is answered as a duplicate. The handlers are
idempotent by themselves too, so two deliveries racing each other change nothing twice.
"""

from __future__ import annotations

from typing import Any

from billing import subscriptions
from billing.models import ProviderEvent
from billing.payouts import services as payouts
from billing.processor.connect import connected_account_from, payout_from
from billing.processor.subscriptions import subscription_from, subscription_of_invoice
from billing.processor.webhooks import event_created, event_object

PAID_INVOICE_EVENTS = {"invoice.paid", "invoice.payment_succeeded"}
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
PAYOUT_EVENTS = {"payout.paid", "payout.failed", "payout.canceled"}


def handle_event(*, event: dict[str, Any]) -> str:
    """Apply one verified event; returns what was done."""
    event_id, kind = str(event["id"]), str(event["type"])
    if ProviderEvent.objects.filter(event_id=event_id).exists():
        return "duplicate"
    outcome = _dispatch(kind, event)
    ProviderEvent.objects.get_or_create(
        event_id=event_id,
        defaults={"type": kind, "account": event.get("account") or "", "outcome": outcome[:200]},
    )
    return outcome


def _dispatch(kind: str, event: dict[str, Any]) -> str:
    data = event_object(event)
    created = event_created(event)
    if kind == "invoice.payment_failed":
        subscription = subscriptions.invoice_payment_failed(
            subscription_id=subscription_of_invoice(data), event_created=created
        )
        return "grace period opened" if subscription else "unknown subscription"
    if kind in PAID_INVOICE_EVENTS:
        subscription = subscriptions.invoice_paid(
            subscription_id=subscription_of_invoice(data), event_created=created
        )
        return "invoice paid" if subscription else "unknown subscription"
    if kind in SUBSCRIPTION_EVENTS:
        state = subscription_from(data)
        if kind == "customer.subscription.deleted":
            state = subscription_from({**data, "status": "canceled"})
        subscription = subscriptions.apply_provider_subscription(state=state, event_created=created)
        return f"subscription {state.status}" if subscription else "unknown subscription"
    if kind in PAYOUT_EVENTS:
        payout = payouts.settle_from_provider(state=payout_from(data))
        return f"payout {payout.status}" if payout else "unknown payout"
    if kind == "account.updated":
        account = payouts.sync_payout_account(state=connected_account_from(data))
        return f"payout account {account.status}" if account else "unknown account"
    return "ignored"
