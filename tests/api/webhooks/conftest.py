"""Webhook fixtures: loopback receivers, with the SSRF guard opened for loopback and plain http
(as the settings allow for tests and demos), and helpers to buy in a shop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from accounts.models import User
from api.webhooks.services import EndpointWithSecret, create_endpoint
from tenants.models import Tenant
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ...ticketing.factories import on_sale_event
from .receiver import Receiver, running_receiver


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with tenant_context(acme):
        yield acme


@pytest.fixture
def in_bravo(bravo: Tenant) -> Iterator[Tenant]:
    with tenant_context(bravo):
        yield bravo


@pytest.fixture
def loopback_allowed(settings: pytest.FixtureRequest) -> None:
    settings.WEBHOOK_ALLOW_HTTP = True  # type: ignore[attr-defined]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # type: ignore[attr-defined]


@pytest.fixture
def receiver(loopback_allowed: None) -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def owner(in_acme) -> User:
    return User.objects.get(email="owner@acme.example")


def endpoint_for(receiver: Receiver, *event_types: str) -> EndpointWithSecret:
    return create_endpoint(actor=None, url=receiver.url, event_types=list(event_types or ["*"]))


def buy(*, quantity: int = 1, price_minor: int = 2500, capacity: int = 100) -> Order:
    event, ticket_type = on_sale_event(capacity=capacity, quantity=capacity, price_minor=price_minor)
    return buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: quantity}),
        buyer=Buyer(name="Grace Hopper", email="grace@example.com"),
    )
