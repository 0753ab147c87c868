"""Stripe's webhook at /webhooks/stripe/ on the platform host: signed, idempotent, racing the return page."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import pytest
import stripe
from django.db import connection as default_connection
from django.test import Client
from django_tenants.utils import tenant_context

from billing.ledger.models import LedgerTransaction
from tenants.models import Tenant
from tests.billing.deliveries import signed
from tests.billing.stripe_objects import event as stripe_event
from ticketing.audit.models import LogEntry
from ticketing.orders.models import Order
from ticketing.payments.models import Payment, ProviderEvent
from ticketing.payments.services import pay_by_card, refresh_payment
from ticketing.payments.webhooks import receive_stripe_event

from .conftest import THREE_D_SECURE, authenticate_3ds, place_card_order

connection = cast(Any, default_connection)
SECRET = "whsec_test_payments"
PATH = "/webhooks/stripe/"


@pytest.fixture(autouse=True)
def _payments_webhook_secret(settings: Any) -> None:
    settings.STRIPE_PAYMENTS_WEBHOOK_SECRET = SECRET


def _intent(localstripe_url: str, intent_id: str) -> dict[str, Any]:
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe_url})
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def _authenticated_payment(
    acme: Tenant, card: Callable[[str], str], localstripe: str
) -> tuple[Order, Payment]:
    """A card order whose buyer passed 3-D Secure at Stripe, before our server has heard of it."""
    with tenant_context(acme):
        order = place_card_order()
        payment = pay_by_card(order=order, payment_method_id=card(THREE_D_SECURE))
        authenticate_3ds(
            localstripe, intent_id=payment.provider_reference, client_secret=payment.client_secret
        )
    return order, payment


def _post(client: Client, event: dict[str, Any], secret: str = SECRET) -> Any:
    body, signature = signed(event, secret)
    return client.post(PATH, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def _state(acme: Tenant, order: Order) -> tuple[Any, ...]:
    with tenant_context(acme):
        order.refresh_from_db()
        return (
            order.status,
            list(Payment.objects.filter(order=order).values_list("status", flat=True)),
            LogEntry.objects.filter(object_type="order", object_id=order.pk).count(),
            LedgerTransaction.objects.filter(
                tenant__schema_name="acme", source_type="order", source_id=order.pk
            ).count(),
            ProviderEvent.objects.count(),
        )


def test_payment_succeeded_pays_the_order_and_a_replay_changes_nothing(
    acme: Tenant, platform_client: Client, card: Callable[[str], str], localstripe: str
) -> None:
    order, payment = _authenticated_payment(acme, card, localstripe)
    event = stripe_event(
        type="payment_intent.succeeded", data_object=_intent(localstripe, payment.provider_reference)
    )

    first = _post(platform_client, event)
    assert first.status_code == 200, first.content
    assert first.json()["outcome"] == "payment succeeded"
    after_first = _state(acme, order)
    assert after_first[0] == Order.Status.PAID

    replay = _post(platform_client, event)
    assert (replay.status_code, replay.json()["outcome"]) == (200, "duplicate")
    assert _state(acme, order) == after_first


def test_a_bad_signature_is_refused_with_400_and_changes_nothing(
    acme: Tenant, platform_client: Client, card: Callable[[str], str], localstripe: str
) -> None:
    order, payment = _authenticated_payment(acme, card, localstripe)
    event = stripe_event(
        type="payment_intent.succeeded", data_object=_intent(localstripe, payment.provider_reference)
    )
    before = _state(acme, order)

    forged = _post(platform_client, event, secret="whsec_someone_else")
    unsigned = platform_client.post(PATH, data=b"{}", content_type="application/json")

    assert (forged.status_code, unsigned.status_code) == (400, 400)
    assert forged.json()["code"] == "webhook_signature_invalid"
    assert _state(acme, order) == before
    assert before[0] == Order.Status.PENDING_PAYMENT


def test_an_event_for_no_shop_of_ours_is_answered_and_ignored(platform_client: Client) -> None:
    intent = {"id": "pi_1Elsewhere", "object": "payment_intent", "amount": 100, "currency": "usd",
              "status": "succeeded", "metadata": {}}  # fmt: skip
    response = _post(platform_client, stripe_event(type="payment_intent.succeeded", data_object=intent))
    assert (response.status_code, response.json()["outcome"]) == (200, "ignored: no shop")


def test_metadata_naming_a_schema_with_another_tenant_id_finds_no_shop(
    acme: Tenant, bravo: Tenant, platform_client: Client
) -> None:
    metadata = {"tenant_schema": "acme", "tenant_id": str(bravo.pk)}
    intent = {"id": "pi_1Mixed", "object": "payment_intent", "amount": 100, "currency": "usd",
              "status": "succeeded", "metadata": metadata}  # fmt: skip
    response = _post(platform_client, stripe_event(type="payment_intent.succeeded", data_object=intent))
    assert response.json()["outcome"] == "ignored: no shop"


def test_a_payment_failed_event_records_the_failure(
    acme: Tenant, platform_client: Client, card: Callable[[str], str], localstripe: str
) -> None:
    with tenant_context(acme):
        order = place_card_order()
        payment = pay_by_card(order=order, payment_method_id=card(THREE_D_SECURE))
        authenticate_3ds(
            localstripe,
            intent_id=payment.provider_reference,
            client_secret=payment.client_secret,
            success=False,
        )
    event = stripe_event(
        type="payment_intent.payment_failed", data_object=_intent(localstripe, payment.provider_reference)
    )
    assert _post(platform_client, event).json()["outcome"] == "payment failed"
    with tenant_context(acme):
        payment.refresh_from_db()
        order.refresh_from_db()
        assert (payment.status, order.status) == (Payment.Status.FAILED, Order.Status.PENDING_PAYMENT)


def test_the_return_page_and_the_webhook_racing_pay_the_order_exactly_once(
    committed_acme: Tenant, card: Callable[[str], str], localstripe: str
) -> None:
    """Two threads on separate connections: the buyer's return page and Stripe's webhook, at once."""
    from tests.ticketing.factories import on_sale_event
    from ticketing.inventory.services import Selection
    from ticketing.orders.services import Buyer, buy_tickets

    with tenant_context(committed_acme):
        event, ticket_type = on_sale_event(price_minor=3100)
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 1}),
            buyer=Buyer(name="Race Buyer", email="buyer@race.example"),
            payment_method=Order.PaymentMethod.CARD,
        )
        payment = pay_by_card(order=order, payment_method_id=card(THREE_D_SECURE))
    authenticate_3ds(localstripe, intent_id=payment.provider_reference, client_secret=payment.client_secret)
    stripe_says = stripe_event(
        type="payment_intent.succeeded", data_object=_intent(localstripe, payment.provider_reference)
    )
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def return_page() -> None:
        try:
            connection.set_tenant(committed_acme)
            start.wait()
            refresh_payment(payment=Payment.objects.get(pk=payment.pk))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def webhook() -> None:
        try:
            start.wait()
            receive_stripe_event(event=stripe_says)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=return_page), threading.Thread(target=webhook)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with tenant_context(committed_acme):
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
        assert (
            LogEntry.objects.filter(object_type="order", object_id=order.pk, action="order.paid").count() == 1
        )
        assert ProviderEvent.objects.filter(event_id=stripe_says["id"]).count() == 1
    assert (
        LedgerTransaction.objects.filter(
            tenant=committed_acme, source_type="order", source_id=order.pk, kind="sale"
        ).count()
        == 1
    )


def _delivery_about(receiver: Any, intent_id: str) -> tuple[bytes, str] | None:
    """localstripe's payment_intent.succeeded for this PaymentIntent (it sends each event once, a second late;
    events of other tests' payments may arrive too)."""
    import json
    import time

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for body, signature in list(receiver.deliveries):
            event = json.loads(body)
            if event["type"] == "payment_intent.succeeded" and event["data"]["object"]["id"] == intent_id:
                return body, signature
        time.sleep(0.05)
    return None


def test_the_event_localstripe_signs_and_sends_pays_the_order(
    acme: Tenant, platform_client: Client, card: Callable[[str], str], localstripe: str
) -> None:
    """localstripe's own delivery (its envelope, its signature) replayed into the endpoint byte for byte."""
    from tests.billing.test_subscriptions import Receiver
    from tests.stripe_server import send_localstripe_webhooks

    receiver = Receiver()
    try:
        send_localstripe_webhooks(localstripe_url=localstripe, to=receiver.url, secret=SECRET)
        order, payment = _authenticated_payment(acme, card, localstripe)
        delivery = _delivery_about(receiver, payment.provider_reference)
        assert delivery is not None
    finally:
        receiver.server.shutdown()

    body, signature = delivery
    first = platform_client.post(
        PATH, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert (first.status_code, first.json()["outcome"]) == (200, "payment succeeded")
    again = platform_client.post(
        PATH, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert again.json()["outcome"] == "duplicate"
    assert _state(acme, order)[0] == Order.Status.PAID
