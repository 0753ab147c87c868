"""Domain events land in the outbox in the same transaction as the change they describe."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ticketing.inventory.errors import InventoryError
from ticketing.inventory.services import Selection, reserve_tickets
from ticketing.orders.models import Order
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    cancel_event,
    cancel_order,
    mark_order_paid,
    place_order,
    refund_order,
)
from ticketing.outbox.models import OutboxEvent
from ticketing.outbox.services import record_event

from ..factories import on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Ada Lovelace", email="ada@example.com")


def events_about(order: Order) -> list[str]:
    return [
        event.type
        for event in OutboxEvent.objects.filter(object_type="order", object_id=order.pk).order_by("pk")
    ]


def test_a_placed_order_writes_order_created_with_its_summary() -> None:
    event, ticket_type = on_sale_event(price_minor=2500)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)

    row = OutboxEvent.objects.get(object_type="order", object_id=order.pk)
    assert row.type == "order.created" and row.public_id.startswith("evt_") and row.relayed_at is None
    assert row.payload["code"] == order.code and row.data["id"] == order.pk
    assert row.payload["event"] == event.pk
    assert row.payload["total"] == {"amount": 5000, "currency": "USD"}
    assert row.payload["buyer"]["email"] == "ada@example.com"
    assert row.payload["status"] == "pending_payment"


def test_a_free_order_is_created_paid_and_says_both() -> None:
    event, ticket_type = on_sale_event(price_minor=0)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    assert events_about(order) == ["order.created", "order.paid"]


def test_a_rolled_back_order_leaves_no_event() -> None:
    event, ticket_type = on_sale_event(capacity=1, quantity=1)
    before = OutboxEvent.objects.count()
    # The order and its order.created row are written before the stock UPDATE refuses the sale.
    with pytest.raises(InventoryError):
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    assert OutboxEvent.objects.count() == before
    assert not Order.objects.filter(event=event).exists()


def test_payment_cancellation_and_refund_are_recorded() -> None:
    event, ticket_type = on_sale_event(price_minor=1000)
    paid = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    unpaid = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)

    mark_order_paid(order=paid, actor=None)
    refund = refund_order(order=paid, actor=None, reason="Asked to")
    cancel_order(order=unpaid, actor=None, reason="No show")

    assert events_about(paid) == ["order.created", "order.paid", "order.refunded"]
    assert events_about(unpaid) == ["order.created", "order.cancelled"]
    refunded = OutboxEvent.objects.get(type="order.refunded", object_id=paid.pk).payload
    assert refunded["status"] == "refunded"
    assert refunded["refund"]["id"] == refund.pk
    assert refunded["refund"]["amount"] == {"amount": 2000, "currency": "USD"}
    assert len(refunded["refund"]["tickets"]) == 2
    assert OutboxEvent.objects.get(type="order.cancelled", object_id=unpaid.pk).payload["reason"] == "No show"


def test_cancelling_an_event_records_event_cancelled() -> None:
    event, _ = on_sale_event()
    cancel_event(actor=None, event=event, reason="Storm")
    row = OutboxEvent.objects.get(type="event.cancelled", object_type="event", object_id=event.pk)
    assert row.payload["status"] == "cancelled" and row.payload["reason"] == "Storm"


def test_the_sale_of_the_last_ticket_records_event_sold_out_once() -> None:
    event, ticket_type = on_sale_event(capacity=3, quantity=3)
    buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    assert not OutboxEvent.objects.filter(
        type="event.sold_out", object_type="event", object_id=event.pk
    ).exists()

    buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    sold_out = OutboxEvent.objects.get(type="event.sold_out", object_type="event", object_id=event.pk)
    assert sold_out.payload["name"] == event.name and sold_out.payload["capacity"] == 3


def test_holding_the_last_tickets_is_not_sold_out_until_the_hold_becomes_an_order() -> None:
    event, ticket_type = on_sale_event(capacity=2, quantity=2)
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    assert not OutboxEvent.objects.filter(
        type="event.sold_out", object_type="event", object_id=event.pk
    ).exists()

    order = place_order(hold=hold, buyer=BUYER)
    assert (
        OutboxEvent.objects.filter(type="event.sold_out", object_type="event", object_id=event.pk).count()
        == 1
    )
    assert events_about(order) == ["order.created"]


def test_a_sold_out_ticket_type_alone_is_not_a_sold_out_event() -> None:
    event, ticket_type = on_sale_event(capacity=10, quantity=1)
    buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    assert not OutboxEvent.objects.filter(
        type="event.sold_out", object_type="event", object_id=event.pk
    ).exists()


def test_the_orders_event_goes_out_in_the_statement_that_inserts_the_order() -> None:
    event, ticket_type = on_sale_event()
    with CaptureQueriesContext(connection) as queries:
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    touching_outbox = [query["sql"] for query in queries if "outbox_outboxevent" in query["sql"]]
    # No statement of its own and no read: a row more in the order's one INSERT statement.
    assert len(touching_outbox) == 1
    assert 'INSERT INTO "orders_order"' in touching_outbox[0]
    assert 'INSERT INTO "outbox_outboxevent"' in touching_outbox[0]


def test_unknown_event_types_are_refused() -> None:
    with pytest.raises(ValueError):
        record_event(type="order.teleported", payload={})


def test_old_relayed_events_are_pruned_with_their_deliveries(settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from api.webhooks.models import Delivery, WebhookEndpoint
    from ticketing.outbox.services import prune_events

    settings.OUTBOX_RETENTION_DAYS = 30
    event, ticket_type = on_sale_event()
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    row = OutboxEvent.objects.get(object_type="order", object_id=order.pk)
    endpoint = WebhookEndpoint.objects.create(
        url="https://93.184.215.14/", secret_sealed=b"x", event_types=["*"]
    )
    Delivery.objects.create(event=row, endpoint=endpoint, attempts_allowed=1, next_attempt_at=timezone.now())

    later = timezone.now() + timedelta(days=31)
    prune_events(now=later)
    assert OutboxEvent.objects.filter(pk=row.pk).exists()  # not relayed yet: kept

    OutboxEvent.objects.filter(pk=row.pk).update(relayed_at=timezone.now())
    prune_events(now=timezone.now() + timedelta(days=29))
    assert OutboxEvent.objects.filter(pk=row.pk).exists()  # not old enough
    assert prune_events(now=later) >= 1
    assert not OutboxEvent.objects.filter(pk=row.pk).exists()
    assert not Delivery.objects.filter(endpoint=endpoint).exists()


def test_a_box_office_sale_is_created_paid_and_says_both() -> None:
    from ticketing.orders.box_office import DESK_PAYMENT_METHODS, sell_at_box_office

    event, ticket_type = on_sale_event(price_minor=1500)
    order = sell_at_box_office(
        actor=None,
        event=event,
        selection=Selection(tickets={ticket_type.pk: 1}),
        payment_method=sorted(DESK_PAYMENT_METHODS)[0],
    )
    assert events_about(order) == ["order.created", "order.paid"]
    paid = OutboxEvent.objects.get(type="order.paid", object_id=order.pk).data
    assert paid["status"] == "paid" and paid["paid_at"] is not None and paid["id"] == order.pk


def test_a_check_in_records_ticket_checked_in() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from ticketing.checkin.services import check_in_ticket

    event, ticket_type = on_sale_event(starts_at=timezone.now() + timedelta(hours=2))
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    ticket = order.tickets.get()
    check_in_ticket(code=ticket.public_id, actor=None, gate="North")

    row = OutboxEvent.objects.get(type="ticket.checked_in", object_type="ticket", object_id=ticket.pk)
    assert row.data["id"] == ticket.public_id and row.data["order"] == order.pk
    assert row.data["gate"] == "North" and row.data["checked_in_at"]
