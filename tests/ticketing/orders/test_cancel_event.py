"""The organizer calls an event off: sales stop, unpaid orders are cancelled, paid ones refunded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from billing.ledger import selectors as ledger_selectors
from billing.ledger import services as ledger
from billing.reseller import current_reseller
from core.money import Money
from tests.billing.factories import order_value, record_processor_sale
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Stock
from ticketing.inventory.services import Selection, reserve_tickets
from ticketing.orders.errors import OrderError, OrderErrorCode
from ticketing.orders.models import Order, Ticket
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    cancel_event,
    mark_order_paid,
    place_order,
    refund_order,
    settle_orders_of_cancelled_event,
)

from ..factories import make_discount, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Ada", email="ada@example.com")


def test_cancelling_an_event_stops_sales_and_settles_every_open_order_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    event, ticket_type = on_sale_event(capacity=30, quantity=30, price_minor=1000)
    code = make_discount(kind="percent", code="HALF", percent_bp=5000, usage_limit=5)
    unpaid = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER, promo_code="HALF"
    )
    paid = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER)
    mark_order_paid(order=paid, actor=None)
    partly = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    mark_order_paid(order=partly, actor=None)
    first = partly.tickets.first()
    assert first is not None
    refund_order(order=partly, actor=None, ticket_ids=[first.pk])
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cancel_event(actor=None, event=event, reason="Flooded venue")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert Order.objects.get(pk=unpaid.pk).status == Order.Status.PENDING_PAYMENT  # not before the commit
    for callback in callbacks:
        callback()

    assert Order.objects.get(pk=unpaid.pk).status == Order.Status.CANCELLED
    code.refresh_from_db()
    assert code.times_used == 0  # the cancelled order gave its use back
    for order in (paid, partly):
        order.refresh_from_db()
        assert (order.status, order.refunded_minor) == (Order.Status.REFUNDED, order.total_minor)
        assert order.refunds.last().reason == "Flooded venue"  # type: ignore[union-attr]
    assert not Ticket.objects.filter(event=event, status=Ticket.Status.VALID).exists()
    assert Stock.objects.get(ticket_type=ticket_type).sold == 0

    with pytest.raises(InventoryError) as no_sale:
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    assert no_sale.value.code == InventoryErrorCode.EVENT_NOT_ON_SALE
    with pytest.raises(OrderError) as no_order:
        place_order(hold=hold, buyer=BUYER)
    assert no_order.value.code == OrderErrorCode.EVENT_CANCELLED
    again = settle_orders_of_cancelled_event(event=event, actor=None)  # running again changes nothing
    assert (again.settled, again.unsettled) == (0, [])


def test_a_cancelled_event_cannot_be_cancelled_again_or_its_orders_settled_while_on_sale() -> None:
    event, _ = on_sale_event()
    with pytest.raises(OrderError):
        settle_orders_of_cancelled_event(event=event, actor=None)
    cancel_event(actor=None, event=event)
    from ticketing.catalog.errors import CatalogError

    with pytest.raises(CatalogError):
        cancel_event(actor=None, event=event)


def _paid_by_card_and_paid_out(order: Order) -> None:
    """A card sale whose money the reseller has already been paid: the ledger cannot refund it."""
    tenant = current_reseller()
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=timezone.now())
        order.refresh_from_db()
        ledger.record_sale(order=order, collected_by=ledger.CollectedBy.PROCESSOR)
        later = timezone.now() + timedelta(days=400)
        ledger.release_matured_funds(tenant=tenant, currency=order.currency, now=later)
        available = ledger_selectors.balances(tenant=tenant, currency=order.currency).available
        ledger.record_payout(tenant=tenant, amount=available, key="drained", now=later)
    assert ledger_selectors.balances(tenant=tenant, currency=order.currency).available == Money.zero(
        order.currency
    )


def test_a_ledger_refusal_in_the_middle_settles_the_others_and_reports_the_refused_one(
    django_capture_on_commit_callbacks,
) -> None:
    event, ticket_type = on_sale_event(capacity=30, quantity=30, price_minor=1000)
    first = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    mark_order_paid(order=first, actor=None)
    by_card = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    _paid_by_card_and_paid_out(by_card)
    last = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER)
    mark_order_paid(order=last, actor=None)
    unpaid = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    event = cancel_event(actor=None, event=event)

    with django_capture_on_commit_callbacks(execute=True):
        settlement = settle_orders_of_cancelled_event(event=event, actor=None)

    assert settlement.settled == 3
    [refused] = settlement.unsettled
    assert (refused.code, refused.status) == (by_card.code, Order.Status.PAID)
    assert "balance cannot cover this refund" in refused.reason
    for order, status in ((first, Order.Status.REFUNDED), (last, Order.Status.REFUNDED),
                          (unpaid, Order.Status.CANCELLED), (by_card, Order.Status.PAID)):  # fmt: skip
        order.refresh_from_db()
        assert order.status == status
    assert by_card.tickets.filter(status=Ticket.Status.VALID).count() == 1  # nothing of it changed
    assert not by_card.refunds.exists()
    entry = LogEntry.objects.get(action="event.settlement_incomplete", object_id=event.pk)
    assert entry.data["orders"] == [{"code": by_card.code, "status": "paid", "reason": refused.reason}]
    [message] = mail.outbox
    assert message.to == ["owner@acme.example"] and by_card.code in message.body
    assert "balance cannot cover" in message.body

    # Running again retries only the order still open; once the ledger can cover it, it is settled.
    again = settle_orders_of_cancelled_event(event=event, actor=None)
    assert (again.settled, [item.code for item in again.unsettled]) == (0, [by_card.code])
    assert LogEntry.objects.filter(action="event.settlement_incomplete", object_id=event.pk).count() == 2

    record_processor_sale(order_value(unit_minor=5000, quantity=1))  # new money, released to available
    with transaction.atomic():
        ledger.release_matured_funds(
            tenant=current_reseller(), currency="USD", now=timezone.now() + timedelta(days=800)
        )
    third = settle_orders_of_cancelled_event(event=event, actor=None)
    assert (third.settled, third.unsettled) == (1, [])
    by_card.refresh_from_db()
    assert by_card.status == Order.Status.REFUNDED
    fourth = settle_orders_of_cancelled_event(event=event, actor=None)
    assert (fourth.settled, fourth.unsettled) == (0, [])
