"""Stripe's events about buyers' payments, delivered to /webhooks/stripe/ on the platform host.

Why the platform host: Stripe sends every connected account's events to the one Connect
endpoint the platform registers, so no shop host could receive them. Each event finds its
shop by the metadata written on the PaymentIntent when it was created (``tenant_schema`` and
``tenant_id``, which must name the same open reseller); events about a charge, a refund or
a dispute name their PaymentIntent, which is read back from Stripe (on the connected
account the event came from) for its metadata. An event that names no shop is answered
and ignored.

Each event is applied once per shop: its id is inserted first, in the same transaction as
everything it changes, so a replayed delivery (or two at once: the second waits on the
unique index, then fails and is answered as a duplicate) changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from ticketing.audit.services import record
from ticketing.orders.models import Refund
from ticketing.payments import services
from ticketing.payments.models import Payment, ProviderEvent
from ticketing.payments.providers import provider_named
from ticketing.payments.providers.base import ChargeTerms
from ticketing.payments.providers.stripe import StripeProvider, payment_from, refund_from

PAYMENT_INTENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.requires_action",
    "payment_intent.canceled",
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
DISPUTE_EVENTS = {"charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"}
HANDLED = PAYMENT_INTENT_EVENTS | REFUND_EVENTS | DISPUTE_EVENTS | {"charge.refunded"}


def _object(event: dict[str, Any]) -> dict[str, Any]:
    return dict((event.get("data") or {}).get("object") or {})


def _intent_id(data: dict[str, Any]) -> str:
    if data.get("object") == "payment_intent":
        return str(data.get("id") or "")
    intent = data.get("payment_intent")
    if isinstance(intent, dict):
        return str(intent.get("id") or "")
    return str(intent or "")


def _metadata(event: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The PaymentIntent's metadata: on the object itself, or read back from Stripe."""
    if data.get("object") == "payment_intent" or (data.get("metadata") or {}).get("tenant_schema"):
        return dict(data.get("metadata") or {})
    intent_id = _intent_id(data)
    if not intent_id:
        return {}
    intent = StripeProvider().retrieve_payment(
        reference=intent_id, terms=ChargeTerms(account_id=str(event.get("account") or ""))
    )
    return intent.metadata


def shop_of(event: dict[str, Any]) -> Tenant | None:
    """The reseller an event is about, or None when it names none we know."""
    metadata = _metadata(event, _object(event))
    schema, tenant_id = str(metadata.get("tenant_schema") or ""), str(metadata.get("tenant_id") or "")
    if not schema or not tenant_id.isdigit():
        return None
    tenant = Tenant.objects.filter(schema_name=schema, pk=int(tenant_id)).first()
    if tenant is None or tenant.is_public or tenant.status in (Tenant.Status.POOLED, Tenant.Status.CLOSED):
        return None
    return tenant


def receive_stripe_event(*, event: dict[str, Any]) -> str:
    """Apply one verified event in its shop's schema; returns what was done."""
    kind = str(event.get("type") or "")
    if kind not in HANDLED:
        return "ignored"
    tenant = shop_of(event)
    if tenant is None:
        return "ignored: no shop"
    with tenant_context(tenant):
        try:
            with transaction.atomic(durable=True):
                ProviderEvent.objects.create(provider="stripe", event_id=str(event["id"]), type=kind)
                outcome = _dispatch(kind, event)
                ProviderEvent.objects.filter(provider="stripe", event_id=str(event["id"])).update(
                    outcome=outcome[:200]
                )
        except IntegrityError:
            if ProviderEvent.objects.filter(provider="stripe", event_id=str(event["id"])).exists():
                return "duplicate"
            raise
    return outcome


def _payment_for_intent(data: dict[str, Any], intent_id: str) -> Payment | None:
    payment = Payment.objects.filter(provider="stripe", provider_reference=intent_id).first()
    if payment is None:
        # The PaymentIntent was made but our request never heard back: its metadata names the payment.
        payment_id = str((data.get("metadata") or {}).get("payment_id") or "")
        if payment_id.isdigit():
            payment = Payment.objects.filter(
                pk=int(payment_id), provider="stripe", provider_reference=""
            ).first()
    return payment


def _dispatch(kind: str, event: dict[str, Any]) -> str:
    data = _object(event)
    if kind in PAYMENT_INTENT_EVENTS:
        payment = _payment_for_intent(data, _intent_id(data))
        if payment is None:
            return "unknown payment"
        payment = services._apply_outcome(payment.pk, payment_from(data), source="webhook")
        return f"payment {payment.status}"
    if kind in REFUND_EVENTS:
        return _refund_event(refund_from(data))
    if kind == "charge.refunded":
        refunds = ((data.get("refunds") or {}).get("data")) or []
        outcomes = [_refund_event(refund_from(refund)) for refund in refunds]
        return "; ".join(outcomes) or "charge refunded"
    if kind in DISPUTE_EVENTS:
        payment = Payment.objects.filter(provider="stripe", provider_reference=_intent_id(data)).first()
        if payment is None:
            return "unknown payment"
        dispute = services.record_dispute(payment=payment, data=data, closed=kind == "charge.dispute.closed")
        return f"dispute {dispute.status}"
    return "ignored"


def _refund_event(result: Any) -> str:
    refund = Refund.objects.filter(provider="stripe", provider_reference=result.reference).first()
    if refund is None:
        # A refund made outside the platform (Stripe's dashboard): note it for staff to settle.
        payment = Payment.objects.filter(
            provider="stripe", provider_reference=result.payment_reference
        ).first()
        if payment is None:
            return "unknown refund"
        record(
            action="payment.refunded_outside",
            target=payment.order,
            refund=result.reference,
            amount=str(result.amount),
            status=result.status,
        )
        return "refund made outside the platform: recorded for review"
    services._apply_refund(refund.pk, result)
    return f"refund {result.status}"


def verified_stripe_event(*, payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    stripe_provider = provider_named("stripe")
    assert isinstance(stripe_provider, StripeProvider)
    return stripe_provider.verified_event(payload=payload, signature=signature, secret=secret)
