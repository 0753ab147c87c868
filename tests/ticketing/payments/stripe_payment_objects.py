"""Stripe-shaped PaymentIntent, refund, dispute and card-error bodies for the loopback stub,
written from Stripe's API reference (what localstripe lacks: decline codes, Connect fees,
refund and dispute events)."""

from __future__ import annotations

import time
from typing import Any

from tests.billing.stripe_objects import object_id


def payment_intent(
    *,
    amount: int,
    currency: str,
    status: str = "succeeded",
    metadata: dict[str, str] | None = None,
    id: str | None = None,
    application_fee_amount: int | None = None,
    last_payment_error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    intent_id = id or object_id("pi")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": amount if status == "succeeded" else 0,
        "application_fee_amount": application_fee_amount,
        "capture_method": "automatic_async",
        "client_secret": f"{intent_id}_secret_{object_id('s')}",
        "confirmation_method": "automatic",
        "created": int(time.time()),
        "currency": currency.lower(),
        "customer": None,
        "last_payment_error": last_payment_error,
        "latest_charge": object_id("ch") if status == "succeeded" else None,
        "livemode": False,
        "metadata": metadata or {},
        "next_action": {"type": "use_stripe_sdk", "use_stripe_sdk": {}}
        if status == "requires_action"
        else None,
        "payment_method": object_id("pm"),
        "payment_method_types": ["card"],
        "status": status,
    }


def card_error(*, decline_code: str, message: str, intent: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """402 as Stripe answers a declined confirmation: the error names the PaymentIntent."""
    return 402, {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": decline_code,
            "message": message,
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            "payment_intent": intent,
            "request_log_url": "https://dashboard.stripe.com/test/logs/req_x",
        }
    }


def refund(
    *,
    amount: int,
    currency: str,
    payment_intent: str,
    status: str = "succeeded",
    id: str | None = None,
    failure_reason: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id or object_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": object_id("txn"),
        "charge": object_id("ch"),
        "created": int(time.time()),
        "currency": currency.lower(),
        "failure_reason": failure_reason,
        "metadata": {},
        "payment_intent": payment_intent,
        "reason": None,
        "status": status,
    }


def dispute(
    *,
    amount: int,
    currency: str,
    payment_intent: str,
    status: str = "needs_response",
    fee: int = 1500,
    reason: str = "fraudulent",
    id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id or object_id("du"),
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [
            {
                "id": object_id("txn"),
                "object": "balance_transaction",
                "amount": -amount - fee,
                "fee": fee,
                "currency": currency.lower(),
                "type": "adjustment",
            }
        ],
        "charge": object_id("ch"),
        "created": int(time.time()),
        "currency": currency.lower(),
        "evidence_details": {"due_by": int(time.time()) + 7 * 86400, "has_evidence": False},
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": payment_intent,
        "reason": reason,
        "status": status,
    }
