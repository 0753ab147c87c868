"""Many buyers redeem one promo code at once, each on its own database connection.

Real commits (the ``committed`` fixture): the transactions must really race in
PostgreSQL. With a usage limit k below the number of buyers N, exactly k orders get the
code and every other buyer is told it has been used up; nothing else is sold to them.
"""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from django.db import connection as default_connection

from core.errors import DomainError
from tenants.models import Tenant
from ticketing.catalog.models import Event
from ticketing.discounts.errors import DiscountErrorCode
from ticketing.discounts.models import Discount
from ticketing.inventory.models import Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ..factories import make_discount, on_sale_event

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time

BUYERS = 12
USAGE_LIMIT = 5


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_a_code_with_k_uses_left_is_redeemed_exactly_k_times_by_n_concurrent_buyers() -> None:
    acme = Tenant.objects.get(schema_name="acme")  # not the ``acme`` fixture: it wraps a transaction
    connection.set_tenant(acme)
    event, ticket_type = on_sale_event(capacity=100, quantity=100, price_minor=2000)
    code = make_discount(kind="percent", code="RUSH", percent_bp=5000, event=event, usage_limit=USAGE_LIMIT)
    start = threading.Barrier(BUYERS)
    results: list[str] = [""] * BUYERS

    def redeem(number: int) -> None:
        connection.set_tenant(acme)
        try:
            start.wait()
            order = buy_tickets(
                event=event,
                selection=Selection(tickets={ticket_type.pk: 1}),
                buyer=Buyer(name=f"Buyer {number}", email=f"rush{number}@example.com"),
                promo_code="rush",
            )
            results[number] = f"order:{order.pk}"
        except DomainError as error:
            results[number] = error.code
        except Exception as error:  # a deadlock or a bug fails the test below
            results[number] = f"crashed:{error!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(number,)) for number in range(BUYERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        connection.set_tenant(acme)
        assert not any(thread.is_alive() for thread in threads)
        orders = [result for result in results if result.startswith("order:")]
        refused = [result for result in results if not result.startswith("order:")]
        assert len(orders) == USAGE_LIMIT, results
        assert refused == [DiscountErrorCode.CODE_EXHAUSTED] * (BUYERS - USAGE_LIMIT), results
        assert Discount.objects.get(pk=code.pk).times_used == USAGE_LIMIT
        placed = Order.objects.filter(event=event)
        assert placed.count() == USAGE_LIMIT
        assert set(placed.values_list("promo_code", "total_minor")) == {("RUSH", 1000)}
        assert Stock.objects.get(ticket_type=ticket_type).sold == USAGE_LIMIT  # refused buyers took nothing
    finally:
        connection.set_tenant(acme)
        Order.objects.filter(event=event).delete()
        Discount.objects.filter(pk=code.pk).delete()
        Event.objects.filter(pk=event.pk).delete()
        connection.set_schema_to_public()
