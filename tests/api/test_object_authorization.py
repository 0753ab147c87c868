"""Every object endpoint: another reseller's id is a 404 here, a key without the scope a 403.

The objects are real rows of bravo's shop; asking for them on acme's host with acme's key
must find nothing, since each shop's rows live in its own schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.webhooks.services import create_endpoint
from tenants.models import Tenant
from ticketing.checkin.services import check_in_ticket
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets

from ..ticketing.factories import on_sale_event
from .conftest import post
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ShopObjects:
    event: int
    ticket_type: int
    order: str
    ticket: str
    check_in: int
    webhook_endpoint: int


def _objects_of(tenant: Tenant) -> ShopObjects:
    with tenant_context(tenant):
        event, ticket_type = on_sale_event(
            capacity=20, quantity=20, starts_at=timezone.now() + timedelta(hours=2)
        )
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 2}),
            buyer=Buyer(name="Grace Hopper", email="grace@example.com"),
        )
        ticket = order.tickets.all()[0]
        check_in = check_in_ticket(code=ticket.public_id, actor=None)
        # An address literal: the SSRF guard checks it is public without a DNS look-up.
        endpoint = create_endpoint(actor=None, url="https://93.184.216.34/hooks", event_types=["order.paid"])
        return ShopObjects(
            event.pk, ticket_type.pk, order.code, ticket.public_id, check_in.pk, endpoint.endpoint.pk
        )


# (method, path template, scope it needs, body)
OBJECT_ENDPOINTS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("get", "/api/v1/events/{event}/", "events:read", None),
    ("get", "/api/v1/events/{event}/availability/", "events:read", None),
    ("post", "/api/v1/events/{event}/publish/", "events:write", {}),
    ("get", "/api/v1/ticket-types/{ticket_type}/", "events:read", None),
    ("get", "/api/v1/orders/{order}/", "orders:read", None),
    ("post", "/api/v1/orders/{order}/cancel/", "orders:write", {}),
    ("post", "/api/v1/orders/{order}/refund/", "orders:write", {}),
    ("get", "/api/v1/tickets/{ticket}/", "orders:read", None),
    ("get", "/api/v1/checkins/{check_in}/", "checkins:read", None),
    ("get", "/api/v1/webhook-endpoints/{webhook_endpoint}/", "webhooks:read", None),
    ("get", "/api/v1/webhook-endpoints/{webhook_endpoint}/deliveries/", "webhooks:read", None),
    ("post", "/api/v1/webhook-endpoints/{webhook_endpoint}/roll-secret/", "webhooks:write", {}),
]


def _call(client: Client, method: str, path: str, body: Any) -> Any:
    if method == "post":
        return post(client, path, body)
    return client.get(path)


@pytest.fixture
def bravo_objects(api_shops: tuple[Tenant, Tenant]) -> ShopObjects:
    return _objects_of(api_shops[1])


@pytest.fixture
def acme_objects(api_shops: tuple[Tenant, Tenant]) -> ShopObjects:
    return _objects_of(api_shops[0])


@pytest.mark.parametrize(("method", "template", "scope", "body"), OBJECT_ENDPOINTS)
def test_another_resellers_object_is_not_found(
    acme_api: Client,
    bravo_api: Client,
    bravo_objects: ShopObjects,
    method: str,
    template: str,
    scope: str,
    body: Any,
) -> None:
    path = template.format(**vars(bravo_objects))
    assert _call(bravo_api, "get", path, None).status_code in (200, 405)  # it exists on its own host
    assert_problem(_call(acme_api, method, path, body), 404, "not_found")


@pytest.mark.parametrize(("method", "template", "scope", "body"), OBJECT_ENDPOINTS)
def test_a_key_without_the_scope_is_forbidden_and_changes_nothing(
    acme_api_with: Any, acme_objects: ShopObjects, method: str, template: str, scope: str, body: Any
) -> None:
    path = template.format(**vars(acme_objects))
    others = [
        s
        for s in (
            "events:read",
            "events:write",
            "orders:read",
            "orders:write",
            "checkins:read",
            "webhooks:read",
        )
        if s != scope
    ]
    response = _call(acme_api_with(*others), method, path, body)
    body_ = assert_problem(response, 403, "permission_denied")
    assert scope in str(body_["title"])
    allowed = _call(acme_api_with(scope), method, path, body)
    assert allowed.status_code != 403, allowed.content


def test_a_list_never_shows_another_resellers_rows(
    acme_api: Client, acme_objects: ShopObjects, bravo_objects: ShopObjects
) -> None:
    codes = {order["code"] for order in acme_api.get("/api/v1/orders/?page_size=200").json()["results"]}
    assert acme_objects.order in codes and bravo_objects.order not in codes
    tickets = acme_api.get(f"/api/v1/tickets/?order={bravo_objects.order}").json()["results"]
    assert tickets == []
