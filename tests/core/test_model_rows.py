"""core.model_rows.InsertStatement: rows of several models, with references between them, in one statement."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from core.model_rows import InsertStatement, prepared_statements
from tenants.models import Tenant
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event
from ticketing.orders.models import Order, OrderLine, Ticket
from ticketing.orders.services import new_order_code, new_ticket_id
from ticketing.tickets.models import TicketsPdf

from ..ticketing.factories import make_ticket_type, on_sale_event


@pytest.fixture(autouse=True)
def in_acme(acme: Tenant) -> Iterator[None]:
    with tenant_context(acme):
        yield


def _order(event_id: int) -> Order:
    return Order(
        code=new_order_code(),
        secret="s" * 32,
        event_id=event_id,
        status=Order.Status.PENDING_PAYMENT,
        buyer_name="Ada",
        buyer_email="ada@example.com",
        currency="USD",
        subtotal_minor=5000,
        net_minor=5000,
        total_minor=5000,
        payment_method=Order.PaymentMethod.PAY_LATER,
    )


def test_rows_referring_to_each_other_go_in_one_statement_and_come_back_saved() -> None:
    event, general = on_sale_event(price_minor=1000)
    vip = make_ticket_type(event, name="VIP", price_minor=3000)
    order = _order(event.pk)
    lines = [
        OrderLine(order=order, stock=ticket_type.stock, ticket_type=ticket_type, description=ticket_type.name,
                  quantity=quantity, unit_price_minor=ticket_type.price_minor,
                  total_minor=quantity * ticket_type.price_minor,
                  net_minor=quantity * ticket_type.price_minor,
                  gross_minor=quantity * ticket_type.price_minor)
        for ticket_type, quantity in ((general, 2), (vip, 1))
    ]  # fmt: skip
    tickets = [
        Ticket(public_id=new_ticket_id(), order=order, line=line, event=event, ticket_type=line.ticket_type)
        for line in lines
        for _ in range(line.quantity)
    ]
    entry = LogEntry(action="order.placed", object_type="order", data={"code": order.code})
    statement = InsertStatement()
    statement.add(order)
    for line in lines:
        statement.add(line)
    statement.add(*tickets)
    statement.add(entry, refer={"object_id": order})

    with CaptureQueriesContext(connection) as queries:
        statement.execute()

    assert len(queries) == 1
    saved = Order.objects.get(pk=order.pk)
    assert (saved.code, saved.total_minor, saved.refunded_minor) == (order.code, 5000, 0)
    assert order.created_at is not None and saved.created_at == order.created_at  # auto_now_add
    assert [(line.pk, line.quantity) for line in saved.lines.all()] == [
        (line.pk, line.quantity) for line in lines
    ]
    assert all(line.order_id == order.pk and line.order is order for line in lines)
    assert all(not line._state.adding for line in lines)
    by_line = {line.pk: sorted(t.public_id for t in tickets if t.line is line) for line in lines}
    for line in lines:
        assert (
            sorted(Ticket.objects.filter(line=line).values_list("public_id", flat=True)) == by_line[line.pk]
        )
    assert [ticket.pk for ticket in tickets] == sorted(ticket.pk for ticket in tickets)  # ids in given order
    assert {ticket.pk: ticket.public_id for ticket in tickets} == dict(
        Ticket.objects.filter(order=order).values_list("pk", "public_id")
    )
    assert LogEntry.objects.get(pk=entry.pk).object_id == order.pk == entry.object_id


def test_a_row_of_a_multi_row_insert_cannot_be_referred_to() -> None:
    event, _ = on_sale_event()
    orders = [_order(event.pk), _order(event.pk)]
    statement = InsertStatement()
    statement.add(*orders)
    with pytest.raises(ValueError, match="not added here by itself"):
        statement.add(TicketsPdf(order=orders[0], fingerprint="f", content=b""))


def test_a_reference_to_a_new_row_outside_the_statement_is_refused_before_anything_is_sent() -> None:
    event, _ = on_sale_event()
    statement = InsertStatement()
    with pytest.raises(ValueError, match="not added here by itself"):
        statement.add(LogEntry(action="x", object_type="order"), refer={"object_id": _order(event.pk)})
    with CaptureQueriesContext(connection) as queries:
        statement.execute()
    assert len(queries) == 0


@pytest.mark.django_db
def test_psycopg_keeps_the_placeholder_conversion_of_a_statement_with_many_parameters() -> None:
    from psycopg import _queries

    params = list(range(120))  # more than psycopg's own limit of 50, as an order's InsertStatement has
    sql = "SELECT " + ", ".join(["%s::int"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits = _queries._query2pg.cache_info().hits
        cursor.execute(sql, params)
        assert cursor.fetchone() == tuple(params)

    assert _queries._query2pg.cache_info().hits == hits + 1


@pytest.mark.django_db
def test_a_statement_prepared_for_one_shop_reads_the_next_shops_own_table() -> None:
    acme, bravo = Tenant.objects.get(schema_name="acme"), Tenant.objects.get(schema_name="bravo")

    def event_names() -> set[str]:
        with prepared_statements(), connection.cursor() as cursor:
            cursor.execute("SELECT name FROM catalog_event WHERE id > %s", [0])
            return {row[0] for row in cursor.fetchall()}

    expected = {}
    for tenant in (acme, bravo):
        with tenant_context(tenant):
            expected[tenant.schema_name] = set(Event.objects.values_list("name", flat=True))
    assert expected["acme"] and expected["bravo"] and expected["acme"] != expected["bravo"]

    with tenant_context(acme):
        assert event_names() == expected["acme"]
        assert event_names() == expected["acme"]  # now from the prepared statement
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%catalog_event%%'"
            )
            assert cursor.fetchone()[0] >= 1
    with tenant_context(bravo):  # the same prepared statement, another search_path
        assert event_names() == expected["bravo"]
    with tenant_context(acme):
        assert event_names() == expected["acme"]
