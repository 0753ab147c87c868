"""Check-ins through the API: admitted once, refusals with codes, the key named as the actor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from ticketing.checkin.models import CheckIn
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.tickets.services import ticket_code

from ..ticketing.factories import on_sale_event
from .conftest import post
from .test_authentication import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(api_shops: tuple[Tenant, Tenant]) -> list[Any]:
    with tenant_context(api_shops[0]):
        event, ticket_type = on_sale_event(
            capacity=10, quantity=10, starts_at=timezone.now() + timedelta(hours=2)
        )
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 2}),
            buyer=Buyer("Ada", "ada@example.com"),
        )
        return list(order.tickets.order_by("pk"))


def test_a_scanned_code_is_admitted_once(acme_api: Client, tickets: list[Any]) -> None:
    with tenant_context(Tenant.objects.get(schema_name="acme")):
        code = ticket_code(ticket=tickets[0])
    admitted = post(acme_api, "/api/v1/checkins/", {"code": code, "gate": "North", "device": "pad 1"})
    assert admitted.status_code == 201, admitted.content
    assert admitted.json()["ticket"] == tickets[0].public_id and admitted.json()["method"] == "signed_code"
    again = post(acme_api, "/api/v1/checkins/", {"code": code, "gate": "South"})
    assert assert_problem(again, 409, "already_checked_in")["gate"] == "North"
    with tenant_context(Tenant.objects.get(schema_name="acme")):
        check_in = CheckIn.objects.get(ticket=tickets[0])
        assert check_in.actor is None and check_in.actor_label.startswith("API key")
    listed = acme_api.get(f"/api/v1/checkins/?event={tickets[0].event_id}").json()["results"]
    assert [item["ticket"] for item in listed] == [tickets[0].public_id]
    shown = acme_api.get(f"/api/v1/tickets/{tickets[0].public_id}/").json()
    assert shown["checked_in_at"] == listed[0]["checked_in_at"]


def test_a_retried_scan_with_the_same_idempotency_key_replays_the_admission(
    acme_api: Client, tickets: list[Any]
) -> None:
    body = {"code": tickets[1].public_id}
    first = post(acme_api, "/api/v1/checkins/", body, HTTP_IDEMPOTENCY_KEY="scan-77")
    retried = post(acme_api, "/api/v1/checkins/", body, HTTP_IDEMPOTENCY_KEY="scan-77")
    assert first.status_code == retried.status_code == 201 and retried.json() == first.json()


def test_bad_codes_get_clear_errors(acme_api: Client, tickets: list[Any]) -> None:
    assert_problem(post(acme_api, "/api/v1/checkins/", {"code": "f" * 32}), 404, "unknown_ticket")
    assert_problem(post(acme_api, "/api/v1/checkins/", {"code": "NOT A CODE!"}), 400, "malformed_payload")
    assert (
        "code" in assert_problem(post(acme_api, "/api/v1/checkins/", {}), 400, "validation_error")["errors"]
    )
