"""An order as the API shows it and its input as the API reads it: pinned field by field, byte
for byte as DRF shows it with fields built per serializer, with exactly the properties the OpenAPI
schema declares, and refused with the same errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.renderers import JSONRenderer

from api.representation import FieldsBuiltOnce
from api.v1.orders import OrderIn, OrderOut
from tenants.models import Tenant
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.selectors import api_orders
from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid

from ..ticketing.factories import make_addon, make_discount, make_ticket_type, on_sale_event
from .conftest import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_acme_schema(api_shops: tuple[Tenant, Tenant]) -> Iterator[None]:
    with tenant_context(api_shops[0]):
        yield


def _paid_order_with_lines_tickets_and_a_discount() -> Order:
    event, seat = on_sale_event(capacity=50, quantity=20, price_minor=4550, name="Seat")
    standing = make_ticket_type(event, quantity=20, price_minor=1999, name="Standing")
    parking = make_addon(event, quantity=5, price_minor=800, name="Parking")
    make_discount(kind="percent", code="TENPC", percent_bp=1_000)
    order = buy_tickets(
        event=event,
        selection=Selection(tickets={seat.pk: 2, standing.pk: 1}, addons={parking.pk: 1}),
        buyer=Buyer("Grace Hopper", "Grace@Example.com", "+1 555 0100"),
        promo_code="tenpc",
    )
    return mark_order_paid(order=order, actor=None)


def _shown_by_drf(order: Order, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The order rendered by DRF with the fields it builds for each serializer made."""
    with monkeypatch.context() as patch:
        patch.delattr(FieldsBuiltOnce, "fields")
        return JSONRenderer().render(OrderOut(order).data)


def _money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def _when(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def test_an_order_is_shown_as_drf_shows_it_with_every_field_pinned(
    api_shops: tuple[Tenant, Tenant], monkeypatch: pytest.MonkeyPatch
) -> None:
    with tenant_context(api_shops[0]):
        placed = _paid_order_with_lines_tickets_and_a_discount()
        read = api_orders().get(pk=placed.pk)
        lines = sorted(read.lines.all(), key=lambda line: line.pk)
        tickets = sorted(read.tickets.all(), key=lambda ticket: ticket.pk)
        shown_placed = JSONRenderer().render(OrderOut(placed).data)
        shown_read = JSONRenderer().render(OrderOut(read).data)
        assert shown_placed == _shown_by_drf(placed, monkeypatch)
        assert shown_read == _shown_by_drf(read, monkeypatch)
        assert len(lines) == 3 and len(tickets) == 3
    assert read.paid_at is not None and read.discount_minor > 0
    seat, standing, parking = lines
    expected = {
        "code": read.code,
        "status": "paid",
        "event": read.event_id,
        "buyer": {"name": "Grace Hopper", "email": "grace@example.com", "phone": "+1 555 0100"},
        "currency": "USD",
        "subtotal": _money("118.99"),
        "discount": _money("11.10"),
        "total": _money("107.89"),
        "refunded": _money("0.00"),
        "payment_method": "pay_later",
        "promo_code": "TENPC",
        "language": read.language,
        "payment_due_at": _when(read.payment_due_at),
        "paid_at": _when(read.paid_at),
        "created_at": _when(read.created_at),
        "lines": [
            {
                "id": line.pk,
                "ticket_type": line.ticket_type_id,
                "addon": line.addon_id,
                "description": line.description,
                "quantity": quantity,
                "unit_price": _money(unit_price),
                "discount": _money(discount),
                "total": _money(total),
                "returned_quantity": 0,
            }
            for line, quantity, unit_price, discount, total in [
                (seat, 2, "45.50", "9.10", "81.90"),
                (standing, 1, "19.99", "2.00", "17.99"),
                (parking, 1, "8.00", "0.00", "8.00"),
            ]
        ],
        "tickets": [
            {
                "id": ticket.public_id,
                "ticket_type": ticket.ticket_type_id,
                "status": "valid",
                "attendee_name": "Grace Hopper",
            }
            for ticket in tickets
        ],
    }
    assert json.loads(shown_read) == expected
    assert shown_read == JSONRenderer().render(expected)  # the keys in this order, too
    assert shown_placed == shown_read  # the answer to the POST is the order as read back


def test_the_order_shown_has_exactly_the_properties_the_schema_declares(
    api_shops: tuple[Tenant, Tenant],
) -> None:
    with tenant_context(api_shops[0]):
        order = OrderOut(_paid_order_with_lines_tickets_and_a_discount()).data
    client: Client = api_client("acme.localhost", None)
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    created = schema["paths"]["/api/v1/orders/"]["post"]["responses"]["201"]["content"]["application/json"]

    def properties(reference: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        component = components[reference["$ref"].rsplit("/", 1)[1]]
        return component["properties"], component.get("required", [])

    order_properties, required = properties(created["schema"])
    assert list(order_properties) == list(order) and set(required) <= set(order)
    for name, nested in [
        ("buyer", order["buyer"]),
        ("lines", order["lines"][0]),
        ("tickets", order["tickets"][0]),
    ]:
        declared = order_properties[name]
        reference = declared.get("items", declared)
        reference = reference["allOf"][0] if "allOf" in reference else reference
        assert list(properties(reference)[0]) == list(nested), name


@pytest.mark.parametrize(
    "data",
    [
        {},
        [],
        {"event": "x", "tickets": "many", "buyer": "Ada", "promo_code": 7, "expected_total": 12},
        {
            "event": 0,
            "tickets": [{"ticket_type": 1, "quantity": 0}, {"quantity": 1001}, "one"],
            "addons": [{"addon": -1, "quantity": 1}] * 51,
            "buyer": {"name": "", "email": "not-an-address", "phone": "0" * 33},
            "promo_code": "P" * 65,
            "expected_total": {"amount": "1.001", "currency": "USD"},
        },
        {"event": 2**70, "tickets": [], "buyer": {"name": "Ada", "email": "ada@example.com"}},
        {
            "event": 999_999,
            "tickets": [{"ticket_type": 1, "quantity": 1}],
            "buyer": {"name": "Ada", "email": "ada@example.com"},
        },
    ],
)
def test_bad_input_gets_the_errors_drf_gives_with_fields_built_per_serializer(
    in_acme_schema: None, data: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_once = OrderIn(data=data)
    assert not built_once.is_valid()
    with monkeypatch.context() as patch:
        patch.delattr(FieldsBuiltOnce, "fields")
        per_serializer = OrderIn(data=data)
        assert not per_serializer.is_valid()
        assert per_serializer.fields["buyer"] is not built_once.fields["buyer"]  # DRF's own, built anew
    assert JSONRenderer().render(built_once.errors) == JSONRenderer().render(per_serializer.errors)
    assert built_once.errors == per_serializer.errors  # the codes too (ErrorDetail compares them)


def test_threads_sharing_the_fields_built_once_validate_each_their_own_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fields are shared by every request a process serves: validating keeps no state in them."""
    monkeypatch.setattr(OrderIn, "validate_event", lambda self, value: value)  # no database here
    inputs: list[object] = [
        {
            "event": number + 1,
            "tickets": [{"ticket_type": number + 1, "quantity": number % 4}],  # 0 is refused
            "addons": [{"addon": 1, "quantity": 1}] * (number % 3),
            "buyer": {
                "name": f"Buyer {number}",
                "email": f"buyer{number}@example.com" if number % 5 else "x",
            },
        }
        for number in range(40)
    ]

    def outcome(data: object) -> object:
        serializer = OrderIn(data=data)
        return serializer.validated_data if serializer.is_valid() else serializer.errors

    expected = [outcome(data) for data in inputs]
    assert any(
        isinstance(result, dict) and "buyer" in result and "tickets" not in result for result in expected
    )
    mismatches: list[int] = []

    def validate_all(offset: int) -> None:
        for round_number in range(25):
            for index in range(len(inputs)):
                shifted = (index + offset + round_number) % len(inputs)
                if outcome(inputs[shifted]) != expected[shifted]:
                    mismatches.append(shifted)

    threads = [threading.Thread(target=validate_all, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert mismatches == []
