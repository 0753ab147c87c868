"""ticketing.inventory.locking: the rows of a sale change in one statement, under the lock timeout."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.db import transaction

from tenants.models import Tenant
from ticketing.catalog.models import Event
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ..factories import make_ticket_type, on_sale_event

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time
BUYER = Buyer(name="Ada Lovelace", email="ada@example.com")


def _counters(event: Event) -> dict[int, tuple[int, int]]:
    return {stock.pk: (stock.held, stock.sold) for stock in Stock.objects.filter(event=event)}


@pytest.mark.usefixtures("in_acme")
def test_a_sale_short_on_its_last_row_changes_none_of_its_rows() -> None:
    event, general = on_sale_event(capacity=10, quantity=10, name="General")
    balcony = make_ticket_type(event, name="Balcony", quantity=1)  # the highest stock id: changed last
    assert balcony.stock.pk > general.stock.pk
    before = _counters(event)
    with pytest.raises(InventoryError) as refused:
        buy_tickets(event=event, selection=Selection(tickets={general.pk: 1, balcony.pk: 2}), buyer=BUYER)
    assert refused.value.code == InventoryErrorCode.SOLD_OUT
    assert refused.value.message == "Only 1 left for “Balcony”: please choose fewer."
    assert _counters(event) == before
    assert not Order.objects.filter(event=event).exists()


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_a_buyer_waiting_longer_than_the_lock_timeout_is_told_to_try_again_and_nothing_changes(
    settings: Any,
) -> None:
    acme = Tenant.objects.get(schema_name="acme")  # not the fixture: it wraps the test in a transaction
    connection.set_tenant(acme)
    event, ticket_type = on_sale_event(capacity=10, quantity=10)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row_lock() -> None:  # another buyer's transaction, stuck before its commit
        connection.set_tenant(acme)
        try:
            with transaction.atomic():
                Stock.objects.select_for_update().get(ticket_type=ticket_type)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_row_lock)
    other.start()
    try:
        assert locked.wait(timeout=60)
        before = _counters(event)
        settings.INVENTORY_LOCK_TIMEOUT = "100ms"
        with pytest.raises(InventoryError) as refused:
            buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER)
        assert refused.value.code == InventoryErrorCode.BUSY
        assert refused.value.http_status == 503
        release.set()
        other.join(timeout=60)
        assert _counters(event) == before
        assert not Order.objects.filter(event=event).exists()
    finally:
        release.set()
        other.join(timeout=60)
        Order.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        connection.set_schema_to_public()
