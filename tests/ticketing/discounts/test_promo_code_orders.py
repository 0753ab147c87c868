"""Promo codes on real orders: uses counted in the order's transaction, given back on cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event, TicketType
from ticketing.discounts.errors import DiscountError, DiscountErrorCode
from ticketing.discounts.models import Discount
from ticketing.inventory.models import Hold, Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    cancel_order,
    expire_unpaid_orders,
    mark_order_paid,
    place_order,
    quote_hold,
    refund_order,
    start_checkout,
)

from ..factories import make_discount, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Ada Lovelace", email="ada@example.com")


@pytest.fixture
def show() -> tuple[Event, TicketType]:
    return on_sale_event(capacity=50, quantity=50, price_minor=2000, name="General")


def uses(discount: Discount) -> int:
    discount.refresh_from_db()
    return discount.times_used


def sold(ticket_type: TicketType) -> int:
    return Stock.objects.get(ticket_type=ticket_type).sold


def test_an_order_with_a_code_is_discounted_and_counts_one_use(show) -> None:
    event, general = show
    code = make_discount(kind="percent", code="SPRING", name="Spring", percent_bp=2500, usage_limit=3)
    order = buy_tickets(
        event=event, selection=Selection(tickets={general.pk: 2}), buyer=BUYER, promo_code=" spring "
    )
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (4000, 1000, 3000)
    assert order.promo_code == "SPRING"
    assert list(order.lines.values_list("discount_minor", "total_minor")) == [(1000, 3000)]
    assert uses(code) == 1
    entry = LogEntry.objects.get(action="order.placed", object_id=order.pk)
    assert entry.data["discounts"] == ["Spring"] and entry.data["discount_minor"] == 1000


def test_a_used_up_code_refuses_the_order_and_changes_nothing(show) -> None:
    event, general = show
    code = make_discount(kind="percent", code="ONCE", percent_bp=1000, usage_limit=1)
    buy_tickets(event=event, selection=Selection(tickets={general.pk: 1}), buyer=BUYER, promo_code="ONCE")
    with pytest.raises(DiscountError) as refused:
        buy_tickets(event=event, selection=Selection(tickets={general.pk: 1}), buyer=BUYER, promo_code="ONCE")
    assert refused.value.code == DiscountErrorCode.CODE_EXHAUSTED
    assert (uses(code), sold(general), Order.objects.filter(event=event).count()) == (1, 1, 1)


def test_the_guarded_count_refuses_a_code_whose_last_use_went_meanwhile(show) -> None:
    """The order read the code with one use left; another order took it before this one counted."""
    event, general = show
    code = make_discount(kind="percent", code="LAST", percent_bp=1000, usage_limit=1)
    from ticketing.discounts.selectors import discounts_for

    read_before = discounts_for(event, code="LAST")  # 0 of 1 used when read
    Discount.objects.filter(pk=code.pk).update(times_used=1)  # the concurrent order's commit
    with pytest.raises(DiscountError) as refused:
        buy_tickets(
            event=event,
            selection=Selection(tickets={general.pk: 1}),
            buyer=BUYER,
            promo_code="LAST",
            discounts=read_before,
        )
    assert refused.value.code == DiscountErrorCode.CODE_EXHAUSTED
    assert (uses(code), sold(general)) == (1, 0)
    assert not Order.objects.filter(event=event).exists()


def test_cancelled_and_lapsed_orders_give_their_use_back_refunded_ones_do_not(show) -> None:
    event, general = show
    code = make_discount(kind="amount", code="FIVE", amount_minor=500, usage_limit=5)
    orders = [
        buy_tickets(event=event, selection=Selection(tickets={general.pk: 1}), buyer=BUYER, promo_code="FIVE")
        for _ in range(3)
    ]
    assert uses(code) == 3
    cancel_order(order=orders[0], actor=None)
    assert uses(code) == 2
    Order.objects.filter(pk=orders[1].pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))
    assert expire_unpaid_orders() == 1
    assert uses(code) == 1
    mark_order_paid(order=orders[2], actor=None)
    refund = refund_order(order=orders[2], actor=None)
    assert refund.amount_minor == 1500  # what was paid, not the catalog price
    assert uses(code) == 1


def test_checkout_with_a_hold_carries_the_code_and_counts_it_when_the_order_is_placed(show) -> None:
    event, general = show
    code = make_discount(kind="percent", code="HOLDME", percent_bp=5000, usage_limit=1)
    hold = start_checkout(event=event, selection=Selection(tickets={general.pk: 2}), promo_code="holdme")
    assert hold.promo_code == "HOLDME" and uses(code) == 0
    assert quote_hold(hold).total_minor == 2000
    order = place_order(hold=hold, buyer=BUYER, expected_total_minor=2000)
    assert (order.total_minor, order.promo_code, uses(code)) == (2000, "HOLDME", 1)
    assert place_order(hold=hold, buyer=BUYER).pk == order.pk  # placing again counts nothing
    assert uses(code) == 1


def test_a_code_used_up_while_the_buyer_checks_out_refuses_the_order_but_keeps_the_hold(show) -> None:
    event, general = show
    make_discount(kind="percent", code="RACE", percent_bp=5000, usage_limit=1)
    hold = start_checkout(event=event, selection=Selection(tickets={general.pk: 1}), promo_code="RACE")
    buy_tickets(event=event, selection=Selection(tickets={general.pk: 1}), buyer=BUYER, promo_code="RACE")
    with pytest.raises(DiscountError) as refused:
        place_order(hold=hold, buyer=BUYER)
    assert refused.value.code == DiscountErrorCode.CODE_EXHAUSTED
    hold.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE
    assert Order.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("WHAT", DiscountErrorCode.UNKNOWN_CODE),
        ("EXPIRED", DiscountErrorCode.CODE_EXPIRED),
        ("VIPONLY", DiscountErrorCode.CODE_NOT_APPLICABLE),
    ],
)
def test_a_bad_code_at_selection_reserves_nothing(show, code, error_code) -> None:
    event, general = show
    vip = make_ticket_type(event, name="VIP", price_minor=9000)
    make_discount(
        kind="percent", code="EXPIRED", percent_bp=1000, valid_until=timezone.now() - timedelta(days=1)
    )
    make_discount(kind="percent", code="VIPONLY", percent_bp=1000, event=event, ticket_type_ids=[vip.pk])
    with pytest.raises(DiscountError) as refused:
        start_checkout(event=event, selection=Selection(tickets={general.pk: 2}), promo_code=code)
    assert refused.value.code == error_code
    assert not Hold.objects.filter(event=event).exists()
    assert Stock.objects.get(ticket_type=general).held == 0


def test_discounts_cost_one_query_whatever_the_number_of_lines_and_rules() -> None:
    event, first = on_sale_event(capacity=100, quantity=30, price_minor=1000)
    others = [make_ticket_type(event, name=f"Type {number}", price_minor=1500) for number in range(3)]
    make_discount(kind="group", name="Group", event=event, percent_bp=1000, min_tickets=4)
    make_discount(kind="package", name="Pair", event=event, amount_minor=1800, package={first.pk: 2})
    make_discount(kind="percent", code="TEN", percent_bp=1000, event=event, ticket_type_ids=[first.pk])

    def queries_for(tickets: dict[int, int]) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            buy_tickets(event=event, selection=Selection(tickets=tickets), buyer=BUYER, promo_code="TEN")
        return [query["sql"] for query in captured]

    def not_stock_counters(queries: list[str]) -> list[str]:
        return [sql for sql in queries if not sql.startswith("UPDATE inventory_stock")]

    one_line = queries_for({first.pk: 3})
    four_lines = queries_for({first.pk: 3, **{ticket_type.pk: 2 for ticket_type in others}})
    # Only the inventory's guarded UPDATEs grow with the lines (one per stock row, by design).
    assert len(four_lines) - len(one_line) == 3
    assert len(not_stock_counters(four_lines)) == len(not_stock_counters(one_line))
    assert sum('FROM "discounts_discount"' in sql for sql in four_lines) == 1
