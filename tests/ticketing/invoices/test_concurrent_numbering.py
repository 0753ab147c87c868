"""Invoice numbers under concurrency: many payments at once, some rolled back, and no gaps.

Real commits (the ``committed`` fixture), each payer on its own connection: the counter row
is locked by the transaction that issues the invoice, so numbers come out consecutive, and a
transaction that rolls back after taking a number gives it back.
"""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.db import transaction

from tenants.models import Tenant
from ticketing.inventory.services import Selection
from ticketing.invoices.models import Invoice, InvoiceCounter, Series
from ticketing.invoices.services import issue_invoice
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ..factories import on_sale_event

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time

PAYERS = 16
FAILING = {3, 8, 13}  # these payments fail after their invoice was written: rolled back


class PaymentFailed(Exception):
    pass


def _pay(acme: Tenant, order_id: int, number: int, start: threading.Barrier, errors: list[str]) -> None:
    connection.set_tenant(acme)
    try:
        start.wait()
        with transaction.atomic(durable=True):
            order = Order.objects.select_for_update().get(pk=order_id)
            order.status = Order.Status.PAID
            order.save(update_fields=["status"])
            issue_invoice(order=order)
            if number in FAILING:
                raise PaymentFailed
    except PaymentFailed:
        pass
    except Exception as error:  # reported by the test
        errors.append(repr(error))
    finally:
        connection.close()


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_invoices_issued_at_once_have_consecutive_numbers_without_gaps() -> None:
    acme = Tenant.objects.get(schema_name="acme")  # not the fixture: it wraps the test in a transaction
    connection.set_tenant(acme)
    event, ticket_type = on_sale_event(capacity=PAYERS, quantity=PAYERS, price_minor=1_000)
    orders = [
        buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 1}),
            buyer=Buyer(name=f"Payer {number}", email=f"payer{number}@example.com"),
        ).pk
        for number in range(PAYERS)
    ]
    counter = InvoiceCounter.objects.filter(series=Series.INVOICE).first()
    before = counter.last_number if counter is not None else 0
    start = threading.Barrier(PAYERS)
    errors: list[str] = []
    threads = [
        threading.Thread(target=_pay, args=(acme, order_id, number, start, errors))
        for number, order_id in enumerate(orders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.set_tenant(acme)
    assert errors == []
    issued = sorted(Invoice.objects.filter(order_id__in=orders).values_list("number", flat=True))
    paid = PAYERS - len(FAILING)
    assert issued == list(range(before + 1, before + paid + 1))  # consecutive: no gaps, none twice
    assert InvoiceCounter.objects.get(series=Series.INVOICE).last_number == before + paid
    unpaid = [orders[number] for number in FAILING]
    assert not Invoice.objects.filter(order_id__in=unpaid).exists()
    assert set(Order.objects.filter(pk__in=unpaid).values_list("status", flat=True)) == {"pending_payment"}
