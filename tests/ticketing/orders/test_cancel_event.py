"""The organizer calls an event off: sales stop, unpaid orders are cancelled, paid ones refunded."""

from __future__ import annotations

import pytest

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
    assert settle_orders_of_cancelled_event(event=event, actor=None) == 0  # running again changes nothing


def test_a_cancelled_event_cannot_be_cancelled_again_or_its_orders_settled_while_on_sale() -> None:
    event, _ = on_sale_event()
    with pytest.raises(OrderError):
        settle_orders_of_cancelled_event(event=event, actor=None)
    cancel_event(actor=None, event=event)
    from ticketing.catalog.errors import CatalogError

    with pytest.raises(CatalogError):
        cancel_event(actor=None, event=event)
