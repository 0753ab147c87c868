"""What localstripe does not serve, at the HTTP layer: Connect direct charges with the platform's
fee, decline codes, idempotent retries, refund and dispute events (a loopback Stripe-shaped stub;
the real SDK talks to it, nothing patches it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.ledger import services as ledger
from billing.ledger.models import Account, LedgerTransaction
from billing.payouts.models import PayoutAccount
from billing.processor.errors import ProcessorError
from tenants.models import Tenant
from tests.billing.deliveries import signed
from tests.billing.factories import put_on_plan
from tests.billing.stripe_objects import event as stripe_event
from tests.stripe_server import RecordedRequest, StripeStub
from ticketing.orders.models import Order, Refund
from ticketing.orders.services import refund_order
from ticketing.payments.models import Dispute, Payment
from ticketing.payments.services import pay_by_card

from . import stripe_payment_objects as objects
from .conftest import place_card_order

SECRET = "whsec_test_payments"


@pytest.fixture(autouse=True)
def _payments_webhook_secret(settings: Any) -> None:
    settings.STRIPE_PAYMENTS_WEBHOOK_SECRET = SECRET


@pytest.fixture
def connected_acme(acme: Tenant, settings: Any) -> Tenant:
    """acme with a connected account able to take charges, on real Stripe (a secret key set)."""
    settings.STRIPE_SECRET_KEY = "sk_test_stub"
    acme = put_on_plan(acme, "growth")  # a plan whose fee rules charge a platform fee
    PayoutAccount.objects.create(tenant=acme, provider_account_id="acct_1AcmeShop", charges_enabled=True)
    return acme


def _created(stub: StripeStub, status: str = "succeeded") -> None:
    def answer(request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        params = request.params
        fee = params.get("application_fee_amount")
        return 200, objects.payment_intent(
            amount=int(params["amount"]),
            currency=params["currency"],
            status=status,
            metadata=params.get("metadata"),
            application_fee_amount=int(fee) if fee else None,
        )

    stub.on("POST", "/v1/payment_intents", answer)


def test_a_card_payment_is_a_direct_charge_on_the_resellers_account_with_the_platform_fee(
    connected_acme: Tenant, stripe_stub: StripeStub
) -> None:
    _created(stripe_stub)
    with tenant_context(connected_acme):
        order = place_card_order(price_minor=2500, quantity=2)
        fee = ledger.quote_platform_fee(order=order)
        payment = pay_by_card(order=order, payment_method_id="pm_1BrowserMade")

        [sent] = stripe_stub.calls("POST", "/v1/payment_intents")
        assert sent.stripe_account == "acct_1AcmeShop"
        assert sent.idempotency_key == payment.idempotency_key == f"order:acme:{order.code}:1"
        assert sent.params["amount"] == "5000" and sent.params["currency"] == "usd"
        assert sent.params["application_fee_amount"] == str(fee.amount_minor) and fee.amount_minor > 0
        assert sent.params["payment_method_types"] == ["card"] and sent.params["confirm"] == "true"
        assert sent.params["metadata"]["tenant_schema"] == "acme"
        sale = LedgerTransaction.objects.get(
            tenant__schema_name="acme", source_type="order", source_id=order.pk, kind="sale"
        )
        assert sale.details["platform_fee_minor"] == fee.amount_minor
        assert sale.entries.get(account=Account.PLATFORM_FEES).amount_minor == fee.amount_minor


def test_a_decline_keeps_stripes_decline_code_and_the_payment_intent(
    connected_acme: Tenant, stripe_stub: StripeStub
) -> None:
    intent = objects.payment_intent(
        amount=5000,
        currency="usd",
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )
    stripe_stub.on(
        "POST",
        "/v1/payment_intents",
        lambda request: objects.card_error(
            decline_code="insufficient_funds", message="Your card has insufficient funds.", intent=intent
        ),
    )
    with tenant_context(connected_acme):
        order = place_card_order()
        payment = pay_by_card(order=order, payment_method_id="pm_1BrowserMade")
        order.refresh_from_db()
        assert (payment.status, payment.failure_code) == (Payment.Status.FAILED, "insufficient_funds")
        assert payment.failure_message == "Your card has insufficient funds."
        assert payment.provider_reference == intent["id"]
        assert order.status == Order.Status.PENDING_PAYMENT


def test_an_attempt_whose_answer_was_lost_is_sent_again_with_the_same_key_and_charges_once(
    connected_acme: Tenant, stripe_stub: StripeStub, settings: Any
) -> None:
    _created(stripe_stub)
    with tenant_context(connected_acme):
        order = place_card_order()
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the first call never reaches Stripe's answer
        with pytest.raises(ProcessorError):
            pay_by_card(order=order, payment_method_id="pm_1BrowserMade")
        [stuck] = Payment.objects.filter(order=order)
        assert stuck.status == Payment.Status.CREATING

        settings.STRIPE_API_BASE = stripe_stub.url
        assert pay_by_card(order=order, payment_method_id="pm_1BrowserMade").status == Payment.Status.CREATING
        assert stripe_stub.calls("POST", "/v1/payment_intents") == []  # a double submit, not a retry

        Payment.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(minutes=2))
        retried = pay_by_card(order=order, payment_method_id="pm_1SecondClick")
        again = pay_by_card(order=order, payment_method_id="pm_1BrowserMade")
        assert retried.pk == again.pk == stuck.pk and retried.status == Payment.Status.SUCCEEDED
        [sent] = stripe_stub.calls("POST", "/v1/payment_intents")
        assert sent.idempotency_key == stuck.idempotency_key
        assert sent.params["payment_method"] == "pm_1BrowserMade"  # sent again exactly as the first time


def _paid_on_stub(tenant: Tenant, stub: StripeStub) -> tuple[Order, Payment]:
    _created(stub)
    with tenant_context(tenant):
        order = place_card_order()
        payment = pay_by_card(order=order, payment_method_id="pm_1BrowserMade")
    return order, payment


def _deliver(client: Client, event: dict[str, Any]) -> dict[str, Any]:
    body, signature = signed(event, SECRET)
    response = client.post(
        "/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def _intent_lookup(stub: StripeStub, payment: Payment, order: Order) -> None:
    """GET /v1/payment_intents/{id}: disputes and refunds name their PaymentIntent, which names the shop."""
    metadata = {
        "tenant_schema": "acme",
        "tenant_id": str(Tenant.objects.get(schema_name="acme").pk),
        "order_code": order.code,
    }
    stub.on(
        "GET",
        f"/v1/payment_intents/{payment.provider_reference}",
        objects.payment_intent(amount=5000, currency="usd", id=payment.provider_reference, metadata=metadata),
    )


def test_a_lost_dispute_is_recorded_on_the_order_and_charged_back_in_the_ledger_once(
    connected_acme: Tenant, stripe_stub: StripeStub, platform_client: Client
) -> None:
    order, payment = _paid_on_stub(connected_acme, stripe_stub)
    _intent_lookup(stripe_stub, payment, order)
    opened = objects.dispute(amount=5000, currency="usd", payment_intent=payment.provider_reference)

    assert (
        _deliver(
            platform_client,
            stripe_event(type="charge.dispute.created", data_object=opened, account="acct_1AcmeShop"),
        )["outcome"]
        == "dispute open"
    )
    [lookup] = stripe_stub.calls("GET", f"/v1/payment_intents/{payment.provider_reference}")
    assert lookup.stripe_account == "acct_1AcmeShop"
    closed = stripe_event(
        type="charge.dispute.closed", data_object={**opened, "status": "lost"}, account="acct_1AcmeShop"
    )
    assert _deliver(platform_client, closed)["outcome"] == "dispute lost"
    assert _deliver(platform_client, closed)["outcome"] == "duplicate"

    with tenant_context(connected_acme):
        [dispute] = Dispute.objects.filter(order=order)
        assert (dispute.status, dispute.amount_minor, dispute.fee_minor, dispute.reason) == (
            "lost",
            5000,
            1500,
            "fraudulent",
        )
    [chargeback] = LedgerTransaction.objects.filter(
        tenant__schema_name="acme", source_id=order.pk, kind="chargeback"
    )
    assert chargeback.provider_reference == opened["id"]
    assert chargeback.entries.get(account=Account.CHARGEBACKS).amount_minor == 6500


def test_a_won_dispute_leaves_the_ledger_alone(
    connected_acme: Tenant, stripe_stub: StripeStub, platform_client: Client
) -> None:
    order, payment = _paid_on_stub(connected_acme, stripe_stub)
    _intent_lookup(stripe_stub, payment, order)
    opened = objects.dispute(amount=5000, currency="usd", payment_intent=payment.provider_reference)
    _deliver(platform_client, stripe_event(type="charge.dispute.created", data_object=opened))
    _deliver(
        platform_client, stripe_event(type="charge.dispute.closed", data_object={**opened, "status": "won"})
    )

    with tenant_context(connected_acme):
        assert Dispute.objects.get(order=order).status == Dispute.Status.WON
    assert not LedgerTransaction.objects.filter(
        tenant__schema_name="acme", source_id=order.pk, kind="chargeback"
    ).exists()


def sent_amount(stub: StripeStub) -> str:
    [sent] = stub.calls("POST", "/v1/refunds")
    return str(sent.params["amount"])


def test_refund_events_settle_our_refunds_state(
    connected_acme: Tenant,
    stripe_stub: StripeStub,
    platform_client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    order, payment = _paid_on_stub(connected_acme, stripe_stub)
    _intent_lookup(stripe_stub, payment, order)
    # One of two tickets: the platform's fee is not refunded, so a full refund needs an available balance.
    pending = objects.refund(
        amount=2500, currency="usd", payment_intent=payment.provider_reference, status="pending"
    )
    stripe_stub.on("POST", "/v1/refunds", pending)
    with tenant_context(connected_acme):
        with django_capture_on_commit_callbacks(execute=True):
            refund = refund_order(order=order, actor=None, ticket_ids=[order.tickets.earliest("pk").pk])
        refund.refresh_from_db()
        assert (refund.provider_status, refund.provider_reference) == ("pending", pending["id"])
        assert sent_amount(stripe_stub) == "2500"
        [sent] = stripe_stub.calls("POST", "/v1/refunds")
        assert sent.idempotency_key == f"refund:acme:{refund.pk}" and sent.stripe_account == "acct_1AcmeShop"

    failed = {**pending, "status": "failed", "failure_reason": "expired_or_canceled_card"}
    assert (
        _deliver(platform_client, stripe_event(type="refund.failed", data_object=failed))["outcome"]
        == "refund failed"
    )
    with tenant_context(connected_acme):
        refund.refresh_from_db()
        assert (refund.provider_status, refund.provider_failure) == (
            Refund.ProviderStatus.FAILED,
            "expired_or_canceled_card",
        )


def test_a_refund_made_in_stripes_dashboard_is_recorded_for_review_without_touching_the_order(
    connected_acme: Tenant, stripe_stub: StripeStub, platform_client: Client
) -> None:
    order, payment = _paid_on_stub(connected_acme, stripe_stub)
    _intent_lookup(stripe_stub, payment, order)
    outside = objects.refund(amount=1000, currency="usd", payment_intent=payment.provider_reference)
    outcome = _deliver(platform_client, stripe_event(type="refund.created", data_object=outside))["outcome"]
    assert outcome == "refund made outside the platform: recorded for review"
    with tenant_context(connected_acme):
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
