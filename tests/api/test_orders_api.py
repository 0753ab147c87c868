"""Orders through the API: sold at once, money as strings, replayed by Idempotency-Key, settled."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from api.models import IdempotencyRecord
from tenants.models import Tenant
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order
from ticketing.orders.services import mark_order_paid

from ..ticketing.factories import on_sale_event
from .conftest import post
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(api_shops: tuple[Tenant, Tenant]) -> Any:
    with tenant_context(api_shops[0]):
        return on_sale_event(capacity=10, quantity=10, price_minor=2550)


def order_body(event_id: int, ticket_type_id: int, quantity: int = 2, **more: Any) -> dict[str, Any]:
    return {
        "event": event_id,
        "tickets": [{"ticket_type": ticket_type_id, "quantity": quantity}],
        "buyer": {"name": "Ada Lovelace", "email": "Ada@Example.com"},
        **more,
    }


def test_an_order_is_created_sold_and_shown_with_money_as_strings(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    response = post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk))
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "pending_payment"
    assert order["total"] == {"amount": "51.00", "currency": "USD"}
    assert order["lines"][0]["unit_price"] == {"amount": "25.50", "currency": "USD"}
    assert order["buyer"]["email"] == "ada@example.com"
    assert len(order["tickets"]) == 2 and all(len(ticket["id"]) == 32 for ticket in order["tickets"])
    assert order["created_at"].endswith("Z") or "+" in order["created_at"]
    with schema_context("acme"):
        assert Stock.objects.get(ticket_type=ticket_type).sold == 2
    shown = acme_api.get(f"/api/v1/orders/{order['code']}/").json()
    assert shown == order


def test_the_same_idempotency_key_replays_the_first_answer_and_sells_once(
    acme_api: Client, concert: Any
) -> None:
    event, ticket_type = concert
    body = order_body(event.pk, ticket_type.pk)
    first = post(acme_api, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="order-1")
    again = post(acme_api, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    with schema_context("acme"):
        assert Order.objects.filter(event=event).count() == 1

    other = post(
        acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk, 3), HTTP_IDEMPOTENCY_KEY="order-1"
    )
    assert_problem(other, 409, "idempotency_key_reused")
    with schema_context("acme"):
        assert Order.objects.filter(event=event).count() == 1


def test_a_refusal_is_replayed_too_and_sells_nothing(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    body = order_body(event.pk, ticket_type.pk, 11)  # more than the maximum per order
    first = post(acme_api, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="too-many")
    again = post(acme_api, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="too-many")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json() and again["Content-Type"] == "application/problem+json"
    with schema_context("acme"):
        assert not Order.objects.filter(event=event).exists()


def test_idempotency_keys_are_per_api_key(acme_api: Client, acme_api_with: Any, concert: Any) -> None:
    event, ticket_type = concert
    body = order_body(event.pk, ticket_type.pk, 1)
    assert post(acme_api, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    other = acme_api_with("orders:write")
    assert post(other, "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    with schema_context("acme"):
        assert Order.objects.filter(event=event).count() == 2
        assert IdempotencyRecord.objects.filter(key="shared").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event": "x"}, "event"),
        ({"event": 999_999}, "event"),
        ({"tickets": []}, "tickets"),
        ({"tickets": [{"ticket_type": 1, "quantity": 0}]}, "tickets"),
        ({"buyer": {"name": "A", "email": "not-an-address"}}, "buyer"),
        ({"expected_total": {"amount": "1.001", "currency": "USD"}}, "expected_total"),
    ],
)
def test_bad_input_gets_400_with_field_errors_and_changes_nothing(
    acme_api: Client, concert: Any, change: dict[str, Any], field: str
) -> None:
    event, ticket_type = concert
    response = post(acme_api, "/api/v1/orders/", {**order_body(event.pk, ticket_type.pk), **change})
    body = assert_problem(response, 400, "validation_error")
    assert field in body["errors"]
    with schema_context("acme"):
        assert not Order.objects.filter(event=event).exists()


def test_a_sold_out_event_gets_a_conflict_with_the_service_code(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    for _ in range(5):
        assert post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk)).status_code == 201
    refused = post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk, 1))
    assert refused.status_code >= 400 and refused.json()["code"] == "sold_out"


def test_a_wrong_expected_total_is_refused_with_the_right_total(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    body = order_body(event.pk, ticket_type.pk, 1, expected_total={"amount": "20.00", "currency": "USD"})
    refused = post(acme_api, "/api/v1/orders/", body)
    assert refused.json()["code"] == "price_mismatch" and refused.json()["total_minor"] == 2550


def test_creating_an_order_costs_no_query_to_show_it(acme_api: Client, concert: Any) -> None:
    """Besides the sale itself: the key and plan come from the cache, the answer from what was written."""
    event, ticket_type = concert
    post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk, 1))  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        response = post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk, 1))
    assert response.status_code == 201
    selects_after_commit = [
        query["sql"]
        for query in queries.captured_queries
        if "api_apikey" in query["sql"] or "billing_plan" in query["sql"]
    ]
    assert selects_after_commit == []
    assert not any('FROM "orders_orderline"' in query["sql"] for query in queries.captured_queries)


def test_cancel_and_refund_settle_orders(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    unpaid = post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk)).json()
    cancelled = post(acme_api, f"/api/v1/orders/{unpaid['code']}/cancel/", {"reason": "changed mind"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert_problem(post(acme_api, f"/api/v1/orders/{unpaid['code']}/refund/", {}), 409, "status_conflict")

    paid = post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk)).json()
    with schema_context("acme"):
        mark_order_paid(order=Order.objects.get(code=paid["code"]), actor=None)
    one = paid["tickets"][0]["id"]
    refund = post(acme_api, f"/api/v1/orders/{paid['code'].lower()}/refund/", {"tickets": [one]})
    assert refund.status_code == 201, refund.content
    assert refund.json()["amount"] == {"amount": "25.50", "currency": "USD"} and refund.json()["tickets"] == [
        one
    ]
    assert acme_api.get(f"/api/v1/orders/{paid['code']}/").json()["status"] == "partially_refunded"
    unknown = post(acme_api, f"/api/v1/orders/{paid['code']}/refund/", {"tickets": ["0" * 32]})
    assert "tickets" in assert_problem(unknown, 400, "validation_error")["errors"]


def test_orders_are_listed_by_cursor_and_filtered(acme_api: Client, concert: Any) -> None:
    event, ticket_type = concert
    codes = [
        post(acme_api, "/api/v1/orders/", order_body(event.pk, ticket_type.pk, 1)).json()["code"]
        for _ in range(3)
    ]
    first = acme_api.get(f"/api/v1/orders/?event={event.pk}&page_size=2").json()
    assert [order["code"] for order in first["results"]] == codes[::-1][:2]
    rest = acme_api.get(first["next"]).json()
    assert [order["code"] for order in rest["results"]] == [codes[0]] and rest["next"] is None
    by_email = acme_api.get("/api/v1/orders/?buyer_email=ADA@example.com&status=pending_payment").json()
    assert {order["code"] for order in by_email["results"]} >= set(codes)
    assert_problem(acme_api.get("/api/v1/orders/?status=nonsense"), 400, "validation_error")
