"""Stripe-shaped JSON bodies for the loopback stub, written from Stripe's API reference
(objects: account, account_link, balance, payout, transfer, price, subscription, invoice,
event), with the fields this platform reads and the ones around them, in the API version
the SDK sends (subscription periods live on the items; an invoice names its subscription
under parent.subscription_details).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1)


def object_id(prefix: str) -> str:
    return f"{prefix}_1Test{next(_ids):08d}"


def account(
    *,
    id: str | None = None,
    charges_enabled: bool = False,
    payouts_enabled: bool = False,
    details_submitted: bool = False,
    country: str = "US",
    default_currency: str = "usd",
    email: str = "owner@example.com",
) -> dict[str, Any]:
    return {
        "id": id or object_id("acct"),
        "object": "account",
        "business_profile": {"mcc": None, "name": "Reseller", "url": None},
        "business_type": None,
        "capabilities": {
            "card_payments": "active" if charges_enabled else "inactive",
            "transfers": "active" if payouts_enabled else "inactive",
        },
        "charges_enabled": charges_enabled,
        "controller": {
            "fees": {"payer": "account"},
            "is_controller": True,
            "losses": {"payments": "stripe"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "express"},
            "type": "application",
        },
        "country": country,
        "created": int(time.time()),
        "default_currency": default_currency,
        "details_submitted": details_submitted,
        "email": email,
        "external_accounts": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": "/v1/accounts/x/external_accounts",
        },
        "metadata": {},
        "payouts_enabled": payouts_enabled,
        "requirements": {
            "currently_due": [] if details_submitted else ["external_account", "tos_acceptance.date"],
            "disabled_reason": None if charges_enabled else "requirements.past_due",
            "eventually_due": [],
            "past_due": [],
        },
        "settings": {
            "payouts": {
                "debit_negative_balances": True,
                "schedule": {"delay_days": 2, "interval": "manual"},
                "statement_descriptor": None,
            }
        },
        "tos_acceptance": {"date": None},
        "type": "none",
    }


def account_link(*, account_id: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"https://connect.stripe.com/setup/e/{account_id}/onboarding-test",
    }


def balance(*, available: dict[str, int], pending: dict[str, int]) -> dict[str, Any]:
    def rows(amounts: dict[str, int]) -> list[dict[str, Any]]:
        return [
            {"amount": amount, "currency": currency.lower(), "source_types": {"card": amount}}
            for currency, amount in amounts.items()
        ]

    return {
        "object": "balance",
        "available": rows(available),
        "connect_reserved": [],
        "livemode": False,
        "pending": rows(pending),
    }


def payout(
    *,
    amount: int,
    currency: str,
    status: str = "pending",
    id: str | None = None,
    failure_code: str | None = None,
    failure_message: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    now = int(time.time())
    return {
        "id": id or object_id("po"),
        "object": "payout",
        "amount": amount,
        "application_fee": None,
        "application_fee_amount": None,
        "arrival_date": now + 2 * 86400,
        "automatic": False,
        "balance_transaction": object_id("txn"),
        "created": now,
        "currency": currency.lower(),
        "description": None,
        "destination": object_id("ba"),
        "failure_balance_transaction": object_id("txn") if status == "failed" else None,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "livemode": False,
        "metadata": metadata or {},
        "method": "standard",
        "original_payout": None,
        "reconciliation_status": "not_applicable",
        "reversed_by": None,
        "source_type": "card",
        "statement_descriptor": None,
        "status": status,
        "trace_id": {"status": "pending", "value": None},
        "type": "bank_account",
    }


def transfer(*, amount: int, currency: str, destination: str) -> dict[str, Any]:
    return {
        "id": object_id("tr"),
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": object_id("txn"),
        "created": int(time.time()),
        "currency": currency.lower(),
        "description": None,
        "destination": destination,
        "destination_payment": object_id("py"),
        "livemode": False,
        "metadata": {},
        "reversals": {"object": "list", "data": [], "has_more": False, "url": "/v1/transfers/x/reversals"},
        "reversed": False,
        "source_transaction": None,
        "source_type": "card",
        "transfer_group": None,
    }


def price(*, product: str, unit_amount: int, currency: str, lookup_key: str | None = None) -> dict[str, Any]:
    return {
        "id": object_id("price"),
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": int(time.time()),
        "currency": currency.lower(),
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": lookup_key,
        "metadata": {},
        "nickname": None,
        "product": product,
        "recurring": {"interval": "month", "interval_count": 1, "meter": None, "usage_type": "licensed"},
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def subscription(
    *,
    customer: str,
    price_id: str,
    status: str = "trialing",
    trial_days: int = 14,
    id: str | None = None,
    item_id: str | None = None,
    amount: int = 4900,
    currency: str = "eur",
) -> dict[str, Any]:
    now = int(time.time())
    trial_end = now + trial_days * 86400 if status == "trialing" else None
    period_end = trial_end or now + 30 * 86400
    sub_id = id or object_id("sub")
    return {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": period_end,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency,
        "customer": customer,
        "default_payment_method": None,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": item_id or object_id("si"),
                    "object": "subscription_item",
                    "created": now,
                    "current_period_end": period_end,
                    "current_period_start": now,
                    "metadata": {},
                    "price": price(product=object_id("prod"), unit_amount=amount, currency=currency)
                    | {"id": price_id},
                    "quantity": 1,
                    "subscription": sub_id,
                }
            ],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "latest_invoice": object_id("in"),
        "livemode": False,
        "metadata": {},
        "pending_update": None,
        "start_date": now,
        "status": status,
        "trial_end": trial_end,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": now if trial_end else None,
    }


def invoice(
    *,
    customer: str,
    subscription: str,
    status: str = "open",
    amount_due: int = 4900,
    amount_paid: int = 0,
    currency: str = "eur",
    attempt_count: int = 1,
    id: str | None = None,
) -> dict[str, Any]:
    now = int(time.time())
    return {
        "id": id or object_id("in"),
        "object": "invoice",
        "amount_due": amount_due,
        "amount_paid": amount_paid,
        "amount_remaining": amount_due - amount_paid,
        "attempt_count": attempt_count,
        "attempted": True,
        "billing_reason": "subscription_cycle",
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency,
        "customer": customer,
        "hosted_invoice_url": "https://invoice.stripe.com/i/test",
        "lines": {"object": "list", "data": [], "has_more": False, "url": "/v1/invoices/x/lines"},
        "livemode": False,
        "next_payment_attempt": now + 3 * 86400 if status == "open" else None,
        "parent": {
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription},
            "type": "subscription_details",
        },
        "period_end": now,
        "period_start": now - 30 * 86400,
        "status": status,
        "total": amount_due,
    }


def event(
    *, type: str, data_object: dict[str, Any], account: str | None = None, created: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": object_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created or int(time.time()),
        "data": {"object": data_object, "previous_attributes": {}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }
    if account:
        body["account"] = account
    return body


def balance_transaction(
    *,
    type: str,
    source: str,
    amount: int,
    currency: str,
    fee: int = 0,
    reporting_category: str | None = None,
    id: str | None = None,
    created: int | None = None,
) -> dict[str, Any]:
    now = created or int(time.time())
    category = reporting_category or {"payment": "charge", "payment_refund": "refund"}.get(type, type)
    return {
        "id": id or object_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": now + 2 * 86400,
        "created": now,
        "currency": currency.lower(),
        "description": None,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": [
            {"amount": fee, "application": None, "currency": currency.lower(),
             "description": "Stripe processing fees", "type": "stripe_fee"}
        ] if fee else [],
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "pending",
        "type": type,
    }  # fmt: skip


def balance_transaction_list(rows: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": rows, "has_more": has_more, "url": "/v1/balance_transactions"}
