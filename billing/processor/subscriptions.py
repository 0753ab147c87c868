"""Stripe Billing calls for resellers' subscriptions to their plans: products, prices,
customers, subscriptions. One plan is one Product; each monthly fee it has had is one
recurring Price (prices are immutable, so a new fee makes a new price).

localstripe serves products, customers, legacy plans, subscriptions on them and invoices,
but not Prices, trials or proration: those calls are tested at the HTTP layer against
Stripe-shaped answers (tests/billing/test_subscription_adapter.py). Reading a subscription
or an invoice accepts both shapes: the current one (periods on the items, the invoice's
subscription under parent.subscription_details) and the old one localstripe sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from billing.processor.client import as_dict, call


@dataclass(frozen=True)
class ProviderSubscription:
    id: str
    customer: str
    status: str
    item_id: str
    price_id: str
    trial_end: datetime | None
    current_period_end: datetime | None


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def subscription_from(data: dict[str, Any]) -> ProviderSubscription:
    items = (data.get("items") or {}).get("data") or [{}]
    item = items[0]
    price = item.get("price") or item.get("plan") or {}
    period_end = item.get("current_period_end") or data.get("current_period_end")
    return ProviderSubscription(
        id=data["id"],
        customer=data.get("customer") or "",
        status=data.get("status") or "incomplete",
        item_id=item.get("id") or "",
        price_id=price.get("id", "") if isinstance(price, dict) else str(price),
        trial_end=_time(data.get("trial_end")),
        current_period_end=_time(period_end),
    )


def subscription_of_invoice(invoice: dict[str, Any]) -> str:
    """The subscription an invoice bills, in either API shape ('' for one-off invoices)."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription") or ""
    return subscription if isinstance(subscription, str) else subscription.get("id", "")


def create_product(*, plan_code: str, name: str) -> str:
    product = call(
        "create the plan's product",
        lambda client: client.v1.products.create(
            {"name": name, "metadata": {"plan": plan_code}}, {"idempotency_key": f"product-{plan_code}"}
        ),
    )
    return str(as_dict(product)["id"])


def create_monthly_price(*, product_id: str, plan_code: str, amount_minor: int, currency: str) -> str:
    """A recurring monthly price; its lookup key names the plan and fee, so a retry finds the same one."""
    lookup_key = f"plan-{plan_code}-{currency.lower()}-{amount_minor}"
    price = call(
        "create the plan's price",
        lambda client: client.v1.prices.create(
            {
                "product": product_id,
                "unit_amount": amount_minor,
                "currency": currency.lower(),
                "recurring": {"interval": "month"},
                "lookup_key": lookup_key,
                "transfer_lookup_key": True,
                "metadata": {"plan": plan_code},
            },
            {"idempotency_key": lookup_key},
        ),
    )
    return str(as_dict(price)["id"])


def create_customer(*, tenant_id: int, email: str, name: str) -> str:
    customer = call(
        "create the billing customer",
        lambda client: client.v1.customers.create(
            {"email": email, "name": name, "metadata": {"tenant_id": str(tenant_id)}},
            {"idempotency_key": f"customer-tenant-{tenant_id}"},
        ),
    )
    return str(as_dict(customer)["id"])


def create_subscription(
    *, customer_id: str, price_id: str, trial_days: int, tenant_id: int, idempotency_key: str
) -> ProviderSubscription:
    """Subscribe the reseller; a trial without a card on file ends in an invoice, and dunning if unpaid."""
    params: dict[str, Any] = {
        "customer": customer_id,
        "items": [{"price": price_id}],
        "metadata": {"tenant_id": str(tenant_id)},
        "payment_settings": {"save_default_payment_method": "on_subscription"},
    }
    if trial_days:
        params["trial_period_days"] = trial_days
        params["trial_settings"] = {"end_behavior": {"missing_payment_method": "create_invoice"}}
    subscription = call(
        "start the subscription",
        lambda client: client.v1.subscriptions.create(params, {"idempotency_key": idempotency_key}),  # type: ignore[arg-type]
    )
    return subscription_from(as_dict(subscription))


def change_price(*, subscription_id: str, item_id: str, price_id: str, upgrade: bool) -> ProviderSubscription:
    """Move the subscription to another plan's price, prorated.

    An upgrade is invoiced at once for the rest of the period; a downgrade leaves its
    credit on the next invoice.
    """
    subscription = call(
        "change the plan",
        lambda client: client.v1.subscriptions.update(
            subscription_id,
            {
                "items": [{"id": item_id, "price": price_id}],
                "proration_behavior": "always_invoice" if upgrade else "create_prorations",
            },
        ),
    )
    return subscription_from(as_dict(subscription))


def cancel_subscription(*, subscription_id: str) -> ProviderSubscription:
    subscription = call(
        "cancel the subscription", lambda client: client.v1.subscriptions.cancel(subscription_id)
    )
    return subscription_from(as_dict(subscription))
