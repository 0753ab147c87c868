"""Concurrent requests with one Idempotency-Key, each on its own connection: one sale at most.

Real commits (``committed``): the claim is a row inserted under a unique constraint, so of
requests racing with the same key exactly one runs; the others see it running (409) or,
once it is done, replay its answer.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from api.errors import ApiError
from api.models import IdempotencyRecord
from api.services import claim_idempotency_key, complete_idempotency_key
from billing.models import Plan
from tenants.models import Tenant
from ticketing.orders.models import Order

from ..ticketing.factories import on_sale_event
from .conftest import make_key, undo_committed_orders

connection = cast(Any, default_connection)
CLIENTS = 6


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_racing_retries_with_one_key_sell_once() -> None:
    acme = Tenant.objects.get(schema_name="acme")
    Tenant.objects.filter(pk=acme.pk).update(plan=Plan.objects.get(code="growth"))
    connection.set_tenant(acme)
    event, ticket_type = on_sale_event(capacity=50, quantity=50)
    token = make_key("acme")
    body = {
        "event": event.pk,
        "tickets": [{"ticket_type": ticket_type.pk, "quantity": 1}],
        "buyer": {"name": "Ada", "email": "ada@example.com"},
    }
    start = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict[str, Any]]] = [(0, {})] * CLIENTS

    def send(number: int) -> None:
        client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            start.wait()
            response = client.post(
                "/api/v1/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-storm"
            )
            answers[number] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(number,)) for number in range(CLIENTS)]
    connection.set_schema_to_public()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection.set_tenant(acme)
        statuses = sorted(status for status, _ in answers)
        assert set(statuses) <= {201, 409}, answers
        assert 201 in statuses
        assert all(answer["code"] == "idempotency_key_in_use" for status, answer in answers if status == 409)
        assert len({answer["code"] for status, answer in answers if status == 201}) == 1  # the same order
        assert Order.objects.filter(event=event).count() == 1
    finally:
        undo_committed_orders(acme, event)


@pytest.mark.usefixtures("django_db_setup", "committed")
@pytest.mark.parametrize("expired", [False, True], ids=["new key", "key past its 24 hours"])
def test_racing_claims_of_one_key_give_it_to_exactly_one(expired: bool) -> None:
    """Each claim is one statement in autocommit; of racing claims one wins, the others see it run.

    A key past its 24 hours is taken over by one of them too, never by two nor by none.
    """
    acme = Tenant.objects.get(schema_name="acme")
    connection.set_tenant(acme)
    if expired:
        old = claim_idempotency_key(owner="key:race", key="storm", request_hash="0" * 64)
        assert old.record_id is not None
        complete_idempotency_key(record_id=old.record_id, status=201, body={"code": "OLD"})
        IdempotencyRecord.objects.filter(pk=old.record_id).update(
            created_at=timezone.now() - timedelta(days=2)
        )
    start = threading.Barrier(CLIENTS)
    outcomes: list[object] = [None] * CLIENTS

    def claim(number: int) -> None:
        try:
            with schema_context("acme"):
                start.wait()
                try:
                    outcomes[number] = claim_idempotency_key(
                        owner="key:race", key="storm", request_hash="a" * 64
                    ).record_id
                except ApiError as refused:
                    outcomes[number] = str(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(number,)) for number in range(CLIENTS)]
    connection.set_schema_to_public()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection.set_tenant(acme)
        winners = [outcome for outcome in outcomes if isinstance(outcome, int)]
        assert len(winners) == 1, outcomes
        assert sorted(str(outcome) for outcome in outcomes if outcome not in winners) == [
            "idempotency_key_in_use"
        ] * (CLIENTS - 1)
        record = IdempotencyRecord.objects.get(owner="key:race", key="storm")
        assert (record.pk, record.state, record.request_hash) == (winners[0], "running", "a" * 64)
    finally:
        connection.set_tenant(acme)
        IdempotencyRecord.objects.filter(owner="key:race").delete()
        connection.set_schema_to_public()
