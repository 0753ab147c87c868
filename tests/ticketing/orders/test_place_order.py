from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticketing.audit.models import LogEntry
from ticketing.inventory.models import Hold, Stock
from ticketing.inventory.services import Selection, reserve_tickets
from ticketing.orders import services as order_services
from ticketing.orders.errors import OrderError, OrderErrorCode
from ticketing.orders.models import Order, Ticket
from ticketing.orders.selectors import order_for_buyer
from ticketing.orders.services import (
    CODE_ALPHABET,
    Buyer,
    buy_tickets,
    cancel_order,
    expire_unpaid_orders,
    mark_order_paid,
    place_order,
    refund_order,
)

from ..factories import make_addon, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Ada Lovelace", email="Ada@Example.com")


def counters(stock: Stock) -> tuple[int, int]:
    stock.refresh_from_db()
    return stock.held, stock.sold


def test_placing_a_hold_makes_a_pending_pay_later_order_with_tickets(
    django_capture_on_commit_callbacks,
) -> None:
    event, ticket_type = on_sale_event(capacity=10, quantity=10, price_minor=2500)
    parking = make_addon(event, name="Parking", price_minor=800)
    hold = reserve_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 3}, addons={parking.pk: 1})
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(hold=hold, buyer=BUYER, expected_total_minor=3 * 2500 + 800)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.payment_method == Order.PaymentMethod.PAY_LATER
    assert (order.subtotal_minor, order.total_minor, order.currency) == (8300, 8300, "USD")
    assert len(order.code) == 8 and set(order.code) <= set(CODE_ALPHABET)
    assert order.buyer_email == "ada@example.com"
    tickets = list(order.tickets.all())
    assert len(tickets) == 3
    assert len({ticket.public_id for ticket in tickets}) == 3
    assert all(len(ticket.public_id) == 32 for ticket in tickets)
    assert counters(ticket_type.stock) == (0, 3)
    assert counters(parking.stock) == (0, 1)
    hold.refresh_from_db()
    assert hold.status == Hold.Status.CONVERTED
    assert LogEntry.objects.filter(action="order.placed", object_id=order.pk).exists()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert order.code in mail.outbox[0].subject
    assert order_for_buyer(order.code, order.secret) == order
    assert order_for_buyer(order.code, "wrong") is None


def test_placing_the_same_hold_twice_returns_the_same_order() -> None:
    event, ticket_type = on_sale_event()
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    first = place_order(hold=hold, buyer=BUYER)
    again = place_order(hold=hold, buyer=BUYER)
    assert first.pk == again.pk
    assert Order.objects.filter(event=event).count() == 1
    assert counters(ticket_type.stock) == (0, 2)


def test_an_expired_hold_cannot_become_an_order() -> None:
    event, ticket_type = on_sale_event()
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    Hold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(OrderError) as refused:
        place_order(hold=hold, buyer=BUYER)
    assert refused.value.code == OrderErrorCode.HOLD_EXPIRED
    assert not Order.objects.filter(event=event).exists()
    assert counters(ticket_type.stock) == (2, 0)  # until the expiry task gives them back


def test_a_tampered_total_is_refused_and_changes_nothing() -> None:
    event, ticket_type = on_sale_event(price_minor=2500)
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    with pytest.raises(OrderError) as refused:
        place_order(hold=hold, buyer=BUYER, expected_total_minor=100)
    assert refused.value.code == OrderErrorCode.PRICE_MISMATCH
    assert refused.value.extra == {"total_minor": 5000}
    with pytest.raises(OrderError):
        buy_tickets(
            event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, expected_total_minor=1
        )
    assert not Order.objects.filter(event=event).exists()
    assert counters(ticket_type.stock) == (2, 0)


def test_buyer_details_are_checked() -> None:
    event, ticket_type = on_sale_event()
    with pytest.raises(OrderError) as no_email:
        buy_tickets(
            event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=Buyer("Ada", "not-an-email")
        )
    assert no_email.value.field == "email"
    with pytest.raises(OrderError) as no_name:
        buy_tickets(
            event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=Buyer("  ", "a@b.example")
        )
    assert no_name.value.field == "name"
    assert counters(ticket_type.stock) == (0, 0)


def test_one_step_purchase_sells_directly() -> None:
    event, ticket_type = on_sale_event(capacity=3, quantity=3)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER)
    assert order.tickets.count() == 3
    assert order.hold is None
    assert counters(ticket_type.stock) == (0, 3)


def test_a_free_order_is_paid_at_once() -> None:
    event, ticket_type = on_sale_event(price_minor=0)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    assert (order.status, order.payment_method, order.payment_due_at) == ("paid", "free", None)


def test_pay_later_order_is_marked_paid_once() -> None:
    event, ticket_type = on_sale_event()
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    order = mark_order_paid(order=order, actor=None)
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert mark_order_paid(order=order, actor=None).paid_at == order.paid_at


def test_cancelling_an_unpaid_order_returns_its_tickets() -> None:
    event, ticket_type = on_sale_event(capacity=5, quantity=5)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 5}), buyer=BUYER)
    cancel_order(order=order, actor=None, reason="changed plans")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert counters(ticket_type.stock) == (0, 0)
    assert counters(Stock.objects.get(event=event, ticket_type=None, addon=None)) == (0, 0)


def test_partial_then_full_refund_returns_inventory_and_adds_up_to_the_cent() -> None:
    event, ticket_type = on_sale_event(capacity=5, quantity=5, price_minor=1000)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER)
    with pytest.raises(OrderError):
        refund_order(order=order, actor=None)  # not paid yet: cancel instead
    mark_order_paid(order=order, actor=None)
    first = order.tickets.first()
    assert first is not None
    refund = refund_order(order=order, actor=None, ticket_ids=[first.pk], reason="cannot come")
    order.refresh_from_db()
    assert (refund.amount_minor, order.status, order.refunded_minor) == (1000, "partially_refunded", 1000)
    assert counters(ticket_type.stock) == (0, 2)
    with pytest.raises(OrderError) as again:
        refund_order(order=order, actor=None, ticket_ids=[first.pk])
    assert again.value.code == OrderErrorCode.NOTHING_TO_REFUND
    rest = refund_order(order=order, actor=None)
    order.refresh_from_db()
    assert (rest.amount_minor, order.status, order.refunded_minor) == (2000, "refunded", 3000)
    assert counters(ticket_type.stock) == (0, 0)


def test_unpaid_orders_lapse_after_their_due_date() -> None:
    event, ticket_type = on_sale_event(capacity=5, quantity=5)
    order = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    assert expire_unpaid_orders() == 0
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))
    assert expire_unpaid_orders() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert counters(ticket_type.stock) == (0, 0)


def test_an_order_its_lines_tickets_and_audit_row_are_written_by_one_statement() -> None:
    event, general = on_sale_event(capacity=20, quantity=10, price_minor=2500)
    vip = make_ticket_type(event, name="VIP", quantity=5, price_minor=9000)
    parking = make_addon(event, name="Parking", price_minor=800)
    selection = Selection(tickets={general.pk: 3, vip.pk: 2}, addons={parking.pk: 1})
    with CaptureQueriesContext(connection) as queries:
        order = buy_tickets(event=event, selection=selection, buyer=BUYER)
    assert sum("INSERT INTO" in query["sql"] for query in queries) == 1
    lines = {line.description: line for line in order.lines.all()}
    assert {name: line.quantity for name, line in lines.items()} == {
        general.name: 3,
        "VIP": 2,
        "Parking": 1,
    }
    assert {line.pk: line.tickets.count() for line in lines.values()} == {
        lines[general.name].pk: 3,
        lines["VIP"].pk: 2,
        lines["Parking"].pk: 0,
    }
    assert set(order.tickets.values_list("ticket_type", flat=True)) == {general.pk, vip.pk}
    assert all(ticket.ticket_type_id == ticket.line.ticket_type_id for ticket in order.tickets.all())
    entry = LogEntry.objects.get(action="order.placed", object_id=order.pk)
    assert entry.data == {"total_minor": order.total_minor, "code": order.code}
    assert order.created_at == Order.objects.get(pk=order.pk).created_at


def test_an_order_code_already_taken_rolls_back_and_the_order_is_placed_with_a_new_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event, ticket_type = on_sale_event(capacity=10, quantity=10)
    first = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    # Random codes collide about once in 10^12 orders: this test makes the next one collide.
    codes = iter([first.code, "NEWCODE2"])
    monkeypatch.setattr(order_services, "new_order_code", lambda: next(codes))
    second = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
    assert second.code == "NEWCODE2"
    assert Order.objects.filter(event=event).count() == 2
    assert Ticket.objects.filter(event=event).count() == 3
    assert counters(ticket_type.stock) == (0, 3)
    assert LogEntry.objects.filter(action="order.placed", object_id=second.pk).count() == 1
