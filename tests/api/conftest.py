"""API fixtures: acme and bravo on a plan with API access, keys made through the service."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from api.models import ApiKey, IdempotencyRecord
from api.scopes import Scope
from api.services import create_api_key
from tenants.models import Tenant
from tests.billing.factories import put_on_plan
from tests.conftest import client_for
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event
from ticketing.orders.models import Order

ALL_SCOPES = [str(scope) for scope in Scope]


def make_key(schema: str, scopes: Iterable[str] = ALL_SCOPES, name: str = "Integration") -> str:
    """A new API key of the reseller in ``schema`` (made by the system, as a test set-up)."""
    with schema_context(schema):
        return create_api_key(actor=None, name=name, scopes=list(scopes)).token


def api_client(hostname: str, token: str | None) -> Client:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(HTTP_HOST=hostname, **headers)


@pytest.fixture
def api_shops(acme: Tenant, bravo: Tenant) -> tuple[Tenant, Tenant]:
    """Both session resellers on the growth plan, which includes API access."""
    return put_on_plan(acme, "growth"), put_on_plan(bravo, "growth")


@pytest.fixture
def acme_api(api_shops: tuple[Tenant, Tenant]) -> Client:
    return api_client("acme.localhost", make_key("acme"))


@pytest.fixture
def bravo_api(api_shops: tuple[Tenant, Tenant]) -> Client:
    return api_client("bravo.localhost", make_key("bravo"))


@pytest.fixture
def acme_api_with(api_shops: tuple[Tenant, Tenant]) -> Callable[..., Client]:
    """A client of acme with a key holding only these scopes."""

    def build(*scopes: str) -> Client:
        return api_client("acme.localhost", make_key("acme", scopes))

    return build


def undo_committed_orders(tenant: Tenant, event: Any) -> None:
    """After a test with real commits (``committed``): remove the event and its orders, the shop's
    keys and idempotency records, and take the shop off the plan the test put it on."""
    with schema_context(tenant.schema_name):
        IdempotencyRecord.objects.all().delete()
        ApiKey.objects.all().delete()
        Order.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        LogEntry.objects.filter(action__startswith="api_key.").delete()
    Tenant.objects.filter(pk=tenant.pk).update(plan=None)


def post(client: Client, path: str, data: Any, **headers: Any) -> Any:
    return client.post(path, data, content_type="application/json", **headers)


__all__ = ["api_client", "client_for", "make_key", "post"]
