from datetime import timedelta

import pytest
from django.utils import timezone

from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Hold, HoldLine, Stock
from ticketing.inventory.services import Selection, expire_holds, release_hold, reserve_tickets
from ticketing.inventory.tasks import expire_holds_everywhere

from ..factories import make_addon, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def counters(stock: Stock) -> tuple[int, int]:
    stock.refresh_from_db()
    return stock.held, stock.sold


def test_a_hold_reserves_tickets_on_the_type_and_the_event_for_the_event_hold_time() -> None:
    event, ticket_type = on_sale_event(capacity=10, quantity=8)
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}))
    assert hold.status == Hold.Status.ACTIVE
    assert timedelta(minutes=14) < hold.expires_at - timezone.now() <= timedelta(minutes=15)
    assert len(hold.token) >= 32
    assert counters(ticket_type.stock) == (3, 0)
    assert counters(Stock.objects.get(event=event, ticket_type=None, addon=None)) == (3, 0)


@pytest.mark.parametrize(
    ("quantity", "code", "message"),
    [
        (0, InventoryErrorCode.EMPTY_SELECTION, "Choose at least one ticket."),
        (-1, InventoryErrorCode.INVALID_QUANTITY, "Quantities are whole numbers, zero or more."),
        (7, InventoryErrorCode.ABOVE_MAXIMUM, "At most 6 “Balcony” tickets per order."),
        (1, InventoryErrorCode.BELOW_MINIMUM, "“Balcony” is sold in orders of at least 2."),
    ],
)
def test_bad_quantities_are_refused_and_change_nothing(quantity: int, code: str, message: str) -> None:
    event, ticket_type = on_sale_event(name="Balcony", min_per_order=2, max_per_order=6)
    with pytest.raises(InventoryError) as refused:
        reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: quantity}))
    assert (refused.value.code, refused.value.message) == (code, message)
    assert not Hold.objects.filter(event=event).exists()
    assert counters(ticket_type.stock) == (0, 0)


def test_sold_out_and_off_sale_types_are_refused() -> None:
    event, ticket_type = on_sale_event(capacity=100, quantity=2, name="Front row")
    late = make_ticket_type(
        event,
        name="Late",
        sale_ends_at=timezone.now() - timedelta(hours=1),
        sale_starts_at=timezone.now() - timedelta(days=1),
    )
    reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    with pytest.raises(InventoryError) as sold_out:
        reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}))
    assert sold_out.value.code == InventoryErrorCode.SOLD_OUT
    assert sold_out.value.message == "Sorry, “Front row” is sold out."
    with pytest.raises(InventoryError) as off_sale:
        reserve_tickets(event=event, selection=Selection(tickets={late.pk: 1}))
    assert off_sale.value.message == "“Late” is no longer on sale."
    assert Hold.objects.filter(event=event).count() == 1


def test_a_partial_shortage_says_how_many_are_left() -> None:
    event, ticket_type = on_sale_event(capacity=5, quantity=50)
    reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}))
    with pytest.raises(InventoryError) as refused:
        reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 4}))
    assert refused.value.message == f"Only 2 left for “{event.name}”: please choose fewer."


def test_expired_hold_returns_tickets_to_inventory() -> None:
    event, ticket_type = on_sale_event(capacity=4, quantity=4)
    parking = make_addon(event, name="Parking", quantity=3)
    hold = reserve_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 4}, addons={parking.pk: 2})
    )
    assert counters(parking.stock) == (2, 0)
    assert expire_holds() == 0  # not due yet
    Hold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_holds_everywhere() >= 1
    hold.refresh_from_db()
    assert hold.status == Hold.Status.EXPIRED
    assert counters(ticket_type.stock) == (0, 0)
    assert counters(parking.stock) == (0, 0)
    assert counters(Stock.objects.get(event=event, ticket_type=None, addon=None)) == (0, 0)


def test_a_buyer_finding_it_sold_out_gets_tickets_freed_by_expired_holds() -> None:
    event, ticket_type = on_sale_event(capacity=2, quantity=2)
    stale = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    Hold.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    fresh = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}))
    assert fresh.status == Hold.Status.ACTIVE
    stale.refresh_from_db()
    assert stale.status == Hold.Status.EXPIRED
    assert counters(ticket_type.stock) == (2, 0)


def test_released_hold_gives_tickets_back_once() -> None:
    event, ticket_type = on_sale_event(capacity=3, quantity=3)
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}))
    release_hold(hold=hold)
    release_hold(hold=hold)
    assert counters(ticket_type.stock) == (0, 0)
    assert HoldLine.objects.filter(hold=hold).count() == 1


def test_addons_need_a_ticket_and_respect_their_limit() -> None:
    event, ticket_type = on_sale_event()
    parking = make_addon(event, name="Parking", max_per_order=1)
    with pytest.raises(InventoryError) as no_ticket:
        reserve_tickets(event=event, selection=Selection(tickets={}, addons={parking.pk: 1}))
    assert no_ticket.value.code == InventoryErrorCode.EMPTY_SELECTION
    with pytest.raises(InventoryError) as too_many:
        reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}, addons={parking.pk: 2}))
    assert too_many.value.code == InventoryErrorCode.ABOVE_MAXIMUM


def test_the_database_refuses_an_oversold_counter_even_without_the_service() -> None:
    from django.db import IntegrityError, transaction

    _event, ticket_type = on_sale_event(capacity=5, quantity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=ticket_type.stock.pk).update(sold=6)
