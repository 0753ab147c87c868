"""schemathesis against our own OpenAPI schema, in-process through the WSGI app.

Every operation of a reseller's API is called with generated input (a valid key of acme,
on acme's host, with real rows to find): no answer may be a server error, and every
answer must match the schema (status, content type, body). Examples are few per
operation so the suite stays quick; the generated inputs differ from run to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from controlplane.wsgi import application
from tenants.models import Tenant
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets

from ..ticketing.factories import on_sale_event
from .conftest import api_client, make_key

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 6


@contextmanager
def wsgi_in_test_transaction() -> Iterator[None]:
    """Requests through the bare WSGI app must not close the test's connection (as Django's test
    client does; it connects the handlers again after each of its own requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def acme_schema(api_shops: tuple[Tenant, Tenant]) -> Any:
    with tenant_context(api_shops[0]):
        event, ticket_type = on_sale_event(
            capacity=500, quantity=500, starts_at=timezone.now() + timedelta(hours=1)
        )
        buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 2}),
            buyer=Buyer("Ada", "ada@example.com"),
        )
    response = api_client("acme.localhost", None).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = application
    return schema


def test_the_api_answers_every_generated_request_within_its_schema(acme_schema: Any) -> None:
    headers = {"Authorization": f"Bearer {make_key('acme')}"}
    operations = [result.ok() for result in acme_schema.get_all_operations()]
    assert len(operations) >= 15
    with wsgi_in_test_transaction():
        for operation in operations:
            _fuzz(operation, headers)


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    if True:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(base_url="http://acme.localhost", headers=headers)
            case.validate_response(response, checks=CHECKS)

        call()
