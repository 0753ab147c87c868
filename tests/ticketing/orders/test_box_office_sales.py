"""The box-office sale service: paid at once, only by staff who sell, nothing sold when refused."""

from __future__ import annotations

import pytest

from ticketing.inventory.errors import InventoryError
from ticketing.inventory.models import Stock
from ticketing.inventory.services import Selection
from ticketing.orders.box_office import sell_at_box_office
from ticketing.orders.errors import OrderError
from ticketing.orders.models import Order
from ticketing.team.errors import TeamError

from ..factories import make_member, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def test_a_desk_sale_is_one_paid_order_with_its_tickets() -> None:
    event, ticket_type = on_sale_event(quantity=5, price_minor=1200)
    seller = make_member("box_office")

    order = sell_at_box_office(
        actor=seller, event=event, selection=Selection(tickets={ticket_type.pk: 2}), payment_method="cash"
    )

    assert (order.status, order.payment_method, order.total_minor) == ("paid", "cash", 2400)
    assert order.buyer_name == "" and order.tickets.count() == 2
    assert Stock.objects.get(ticket_type=ticket_type).sold == 2


@pytest.mark.parametrize(
    ("role", "payment_method", "quantity", "error"),
    [
        ("scanner", "cash", 1, TeamError),
        ("analyst", "card_terminal", 1, TeamError),
        ("box_office", "pay_later", 1, OrderError),  # not a way to pay at the desk
        ("box_office", "cash", 6, InventoryError),  # more than are left
    ],
)
def test_a_refused_desk_sale_sells_nothing(
    role: str, payment_method: str, quantity: int, error: type
) -> None:
    event, ticket_type = on_sale_event(quantity=5)
    orders = Order.objects.count()
    with pytest.raises(error):
        sell_at_box_office(
            actor=make_member(role), event=event, selection=Selection(tickets={ticket_type.pk: quantity}),
            payment_method=payment_method,
        )  # fmt: skip
    assert Order.objects.count() == orders
    assert Stock.objects.get(ticket_type=ticket_type).sold == 0
