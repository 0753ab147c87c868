"""Refunding card orders: the tickets go back on sale at once, the money through Stripe after commit."""

from __future__ import annotations

from collections.abc import Callable

import stripe

from billing.ledger.models import LedgerTransaction
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order, Refund, Ticket
from ticketing.orders.services import refund_order
from ticketing.payments.services import pay_by_card

from .conftest import VISA


def _sold(order: Order) -> int:
    line = order.lines.get()
    return Stock.objects.get(pk=line.stock_id).sold


def _stripe_refunds(localstripe_url: str, intent_id: str) -> list[dict]:
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe_url})
    return [r.to_dict() for r in client.v1.refunds.list({"payment_intent": intent_id}).data]


def test_a_full_refund_gives_the_money_back_through_stripe_and_the_tickets_back_on_sale(
    card_order: Order, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    payment = pay_by_card(order=card_order, payment_method_id=card(VISA))
    sold_before = _sold(card_order)

    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_order(order=card_order, actor=None, reason="Asked to")

    refund.refresh_from_db()
    card_order.refresh_from_db()
    assert (refund.amount_minor, refund.provider, refund.provider_status) == (5000, "stripe", "succeeded")
    assert refund.provider_reference.startswith("re_")
    [at_stripe] = _stripe_refunds(localstripe, payment.provider_reference)
    assert (at_stripe["id"], at_stripe["amount"]) == (refund.provider_reference, 5000)
    assert card_order.status == Order.Status.REFUNDED
    assert _sold(card_order) == sold_before - 2
    assert (
        LedgerTransaction.objects.filter(
            tenant__schema_name="acme", source_id=card_order.pk, kind="refund"
        ).count()
        == 1
    )


def test_a_partial_refund_sends_back_what_the_chosen_tickets_cost(
    card_order: Order, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    payment = pay_by_card(order=card_order, payment_method_id=card(VISA))
    ticket = Ticket.objects.filter(order=card_order).first()
    assert ticket is not None

    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_order(order=card_order, actor=None, ticket_ids=[ticket.pk])

    refund.refresh_from_db()
    card_order.refresh_from_db()
    assert (refund.amount_minor, refund.provider_status) == (2500, "succeeded")
    assert [r["amount"] for r in _stripe_refunds(localstripe, payment.provider_reference)] == [2500]
    assert card_order.status == Order.Status.PARTIALLY_REFUNDED


def test_a_refund_stripe_cannot_be_reached_for_stays_visible_as_failed_and_can_be_sent_again(
    card_order: Order,
    card: Callable[[str], str],
    localstripe: str,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    from ticketing.payments.services import retry_provider_refund

    pay_by_card(order=card_order, payment_method_id=card(VISA))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable when the refund is sent
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_order(order=card_order, actor=None)
    refund.refresh_from_db()
    assert refund.provider_status == Refund.ProviderStatus.FAILED
    assert refund.provider_failure
    card_order.refresh_from_db()
    assert card_order.status == Order.Status.REFUNDED  # the tickets are refunded; only the money is pending

    settings.STRIPE_API_BASE = localstripe
    refund = retry_provider_refund(refund=refund, actor=None)
    assert refund.provider_status == Refund.ProviderStatus.SUCCEEDED


def test_an_offline_order_refund_calls_no_provider(in_acme, django_capture_on_commit_callbacks) -> None:
    from tests.billing.factories import paid_order

    order = paid_order()
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_order(order=order, actor=None)
    assert (refund.provider, refund.provider_status) == ("", "")


def test_cancelling_an_event_refunds_its_card_orders_through_stripe(
    card_order: Order, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    from ticketing.orders.services import cancel_event

    payment = pay_by_card(order=card_order, payment_method_id=card(VISA))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(actor=None, event=card_order.event, reason="Storm")

    card_order.refresh_from_db()
    assert card_order.status == Order.Status.REFUNDED
    [refund] = Refund.objects.filter(order=card_order)
    assert (refund.provider_status, refund.amount_minor) == ("succeeded", 5000)
    assert [r["amount"] for r in _stripe_refunds(localstripe, payment.provider_reference)] == [5000]
