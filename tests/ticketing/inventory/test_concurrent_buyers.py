"""Many buyers at once, each on its own database connection, against a small inventory.

Real commits (the ``committed`` fixture): the buyers' transactions must really race in
PostgreSQL. Whatever the interleaving, nothing is oversold and no accepted order is lost.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.db.models import Sum

from core.errors import DomainError
from tenants.models import Tenant
from ticketing.catalog.models import Event
from ticketing.inventory.errors import InventoryErrorCode
from ticketing.inventory.models import Hold, HoldLine, Stock
from ticketing.inventory.services import Selection, reserve_tickets
from ticketing.orders.models import Order, OrderLine, Ticket
from ticketing.orders.services import Buyer, buy_tickets, place_order

from ..factories import make_ticket_type, on_sale_event

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time

BUYERS = 48
EVENT_CAPACITY = 25


@dataclass
class Outcome:
    buyer: int
    wanted: dict[int, int]
    order_id: int | None = None
    hold_only: int | None = None
    refused: str | None = None
    crashed: str | None = None


def _shop(acme: Tenant) -> tuple[Event, list[int]]:
    connection.set_tenant(acme)
    event, general = on_sale_event(capacity=EVENT_CAPACITY, quantity=18, name="General")
    vip = make_ticket_type(event, quantity=10, name="VIP")
    return event, [general.pk, vip.pk]


def _buy(
    acme: Tenant, event: Event, number: int, wanted: dict[int, int], start: threading.Barrier
) -> Outcome:
    outcome = Outcome(buyer=number, wanted=wanted)
    connection.set_tenant(acme)
    buyer = Buyer(name=f"Buyer {number}", email=f"buyer{number}@example.com")
    try:
        start.wait()
        if number % 3 == 0:
            outcome.order_id = buy_tickets(event=event, selection=Selection(tickets=wanted), buyer=buyer).pk
        else:
            hold = reserve_tickets(event=event, selection=Selection(tickets=wanted))
            if number % 3 == 1:
                outcome.order_id = place_order(hold=hold, buyer=buyer).pk
            else:
                outcome.hold_only = hold.pk  # a buyer who walks away mid-checkout
    except DomainError as error:
        outcome.refused = error.code
    except Exception as error:  # anything else (a deadlock, a bug) fails the test below
        outcome.crashed = repr(error)
    finally:
        connection.close()
    return outcome


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_concurrent_buyers_never_oversell_and_every_accepted_buyer_gets_tickets() -> None:
    acme = Tenant.objects.get(
        schema_name="acme"
    )  # not the ``acme`` fixture: it wraps the test in a transaction
    event, ticket_type_ids = _shop(acme)
    rng = random.Random(20251126)
    wishes = [{rng.choice(ticket_type_ids): rng.randint(1, 3)} for _ in range(BUYERS)]
    start = threading.Barrier(BUYERS)
    outcomes: list[Outcome] = [Outcome(buyer=i, wanted=wishes[i]) for i in range(BUYERS)]

    def run(number: int) -> None:
        outcomes[number] = _buy(acme, event, number, wishes[number], start)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(BUYERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        connection.set_tenant(acme)
        assert not any(thread.is_alive() for thread in threads)
        _check(event, outcomes)
    finally:
        connection.set_tenant(acme)
        Order.objects.filter(event=event).delete()
        Hold.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        connection.set_schema_to_public()


def _check(event: Event, outcomes: list[Outcome]) -> None:
    assert [outcome.crashed for outcome in outcomes if outcome.crashed] == []
    assert all(outcome.order_id or outcome.hold_only or outcome.refused for outcome in outcomes)
    refusals = Counter(outcome.refused for outcome in outcomes if outcome.refused)
    assert set(refusals) <= {InventoryErrorCode.SOLD_OUT, InventoryErrorCode.BUSY}, refusals
    assert refusals[InventoryErrorCode.SOLD_OUT] > 0, (
        "demand must exceed supply for the test to mean anything"
    )

    # Nothing oversold, on any counter.
    for stock in Stock.objects.filter(event=event):
        assert stock.held + stock.sold <= stock.capacity, stock

    # Every accepted buyer has exactly the tickets they asked for; no accepted order is lost.
    accepted = [outcome for outcome in outcomes if outcome.order_id is not None]
    assert accepted
    for outcome in accepted:
        order = Order.objects.get(pk=outcome.order_id or 0)
        issued = Counter(order.tickets.values_list("ticket_type_id", flat=True))
        assert issued == Counter(outcome.wanted), outcome
    assert Order.objects.filter(event=event).count() == len(accepted)
    for outcome in outcomes:
        if outcome.hold_only is not None:
            hold = Hold.objects.get(pk=outcome.hold_only)
            assert hold.status == Hold.Status.ACTIVE
            assert {line.ticket_type_id: line.quantity for line in hold.lines.all()} == outcome.wanted

    # The counters agree with the rows they summarise.
    event_stock = Stock.objects.get(event=event, ticket_type=None, addon=None)
    tickets_sold = Ticket.objects.filter(event=event).count()
    tickets_held = (
        HoldLine.objects.filter(hold__event=event, hold__status=Hold.Status.ACTIVE).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )
    assert (event_stock.sold, event_stock.held) == (tickets_sold, tickets_held)
    for stock in Stock.objects.filter(event=event, ticket_type__isnull=False):
        sold = OrderLine.objects.filter(stock=stock).aggregate(n=Sum("quantity"))["n"] or 0
        held = (
            HoldLine.objects.filter(stock=stock, hold__status=Hold.Status.ACTIVE).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        assert (stock.sold, stock.held) == (sold, held)

    # Nobody was turned away while enough was left for them: availability only fell during
    # the run, so each sold-out refusal proves fewer than that buyer's wish remain.
    smallest_refused = min(
        sum(outcome.wanted.values()) for outcome in outcomes if outcome.refused == InventoryErrorCode.SOLD_OUT
    )
    event_left = event_stock.capacity - event_stock.sold - event_stock.held
    assert event_left < smallest_refused or any(
        Stock.objects.get(ticket_type_id=ticket_type_id).available < quantity
        for outcome in outcomes
        if outcome.refused == InventoryErrorCode.SOLD_OUT
        for ticket_type_id, quantity in outcome.wanted.items()
    )
