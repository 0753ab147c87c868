"""Events and ticket types written through the API, customers aggregated by e-mail, sales figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from ticketing.catalog.models import Event
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid

from ..ticketing.factories import on_sale_event
from .conftest import post
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


def test_an_event_is_made_given_a_ticket_type_and_published(acme_api: Client) -> None:
    start = timezone.now() + timedelta(days=9)
    made = post(
        acme_api,
        "/api/v1/events/",
        {
            "name": "Jazz Brunch",
            "slug": "jazz-brunch",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 80,
            "timezone": "America/New_York",
        },
    )
    assert made.status_code == 201, made.content
    event = made.json()
    assert event["status"] == "draft" and event["timezone"] == "America/New_York"
    assert_problem(
        post(acme_api, f"/api/v1/events/{event['id']}/publish/", {}), 400, "invalid"
    )  # no tickets yet
    ticket_type = post(
        acme_api,
        "/api/v1/ticket-types/",
        {
            "event": event["id"],
            "name": "Seat",
            "price": {"amount": "19.90", "currency": "USD"},
            "quantity": 80,
        },
    )
    assert ticket_type.status_code == 201, ticket_type.content
    assert ticket_type.json()["price"] == {"amount": "19.90", "currency": "USD"}
    published = post(acme_api, f"/api/v1/events/{event['id']}/publish/", {})
    assert published.json()["status"] == "published"
    availability = acme_api.get(f"/api/v1/events/{event['id']}/availability/").json()
    assert availability["available"] == 80 and availability["ticket_types"][0]["state"] == "on_sale"
    listed = acme_api.get("/api/v1/events/?status=published&ordering=starts_at").json()["results"]
    assert event["id"] in [item["id"] for item in listed]


def test_bad_catalog_input_gets_field_errors(acme_api: Client) -> None:
    start = timezone.now() + timedelta(days=9)
    slug_taken = post(
        acme_api,
        "/api/v1/events/",
        {
            "name": "Again",
            "slug": "opening-night",  # the session event's
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
            "capacity": 5,
        },
    )
    assert "slug" in assert_problem(slug_taken, 409, "slug_taken")["errors"]
    wrong_currency = post(
        acme_api,
        "/api/v1/ticket-types/",
        {"event": 1, "name": "Seat", "price": {"amount": "19.90", "currency": "EUR"}, "quantity": 8},
    )
    assert wrong_currency.status_code == 400 and wrong_currency.json()["code"] == "wrong_currency"
    assert_problem(acme_api.get("/api/v1/events/?starts_after=yesterday"), 400, "validation_error")
    with tenant_context(Tenant.objects.get(schema_name="acme")):
        assert not Event.objects.filter(name="Again").exists()


@pytest.fixture
def sales(api_shops: tuple[Tenant, Tenant]) -> Any:
    with tenant_context(api_shops[0]):
        event, ticket_type = on_sale_event(capacity=30, quantity=30, price_minor=1000)
        for email, quantity, paid in [
            ("ada@example.com", 2, True),
            ("ADA@example.com", 1, False),
            ("bob@example.com", 3, True),
        ]:
            order = buy_tickets(
                event=event,
                selection=Selection(tickets={ticket_type.pk: quantity}),
                buyer=Buyer(name=email.split("@")[0].title(), email=email),
            )
            if paid:
                mark_order_paid(order=order, actor=None)
        return event


def test_customers_are_buyers_aggregated_by_email(acme_api: Client, sales: Any) -> None:
    rows = acme_api.get("/api/v1/customers/").json()["results"]
    ada = next(row for row in rows if row["email"] == "ada@example.com")
    assert (ada["orders"], ada["tickets"]) == (2, 3)
    assert ada["total_spent"] == {"amount": "20.00", "currency": "USD"}  # the unpaid order is not spent
    first = acme_api.get("/api/v1/customers/?page_size=1").json()
    second = acme_api.get(first["next"]).json()
    assert [row["email"] for row in first["results"] + second["results"]] == [
        "ada@example.com",
        "bob@example.com",
    ]
    only_bob = acme_api.get("/api/v1/customers/?email=bob@example.com").json()["results"]
    assert [row["email"] for row in only_bob] == ["bob@example.com"]
    assert only_bob[0]["total_spent"] == {"amount": "30.00", "currency": "USD"}


def test_sales_figures_per_event(acme_api: Client, sales: Any) -> None:
    rows = acme_api.get("/api/v1/reports/sales/").json()["results"]
    row = next(row for row in rows if row["event"] == sales.pk)
    assert (row["sold"], row["orders"], row["available"]) == (6, 3, 24)
    assert row["paid"] == {"amount": "50.00", "currency": "USD"}
    assert row["pending"] == {"amount": "10.00", "currency": "USD"}
