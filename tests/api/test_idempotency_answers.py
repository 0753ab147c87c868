"""An idempotent answer kept inside the work's own transaction commits (or rolls back) with it.

Real commits (``committed``): whether an answer was kept is known only once its transaction
commits, so these tests cannot run inside the usual test transaction.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.idempotency import idempotent, keep_answer_within
from api.models import IdempotencyRecord
from billing.models import Plan
from tenants.models import Tenant

from ..ticketing.factories import on_sale_event
from .conftest import make_key, undo_committed_orders

connection = cast(Any, default_connection)
pytestmark = pytest.mark.usefixtures("django_db_setup", "committed")


class OneTransaction(APIView):
    """Work in one transaction that keeps its own answer, then fails inside it when asked to."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @idempotent
    def post(self, request: Request) -> Response:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(key="side-effect").delete()  # any write of the work
            keep_answer_within(request, status=201, body={"made": request.data["name"]})
            if request.data.get("fail"):
                raise ValidationError({"name": ["Refused after the answer was kept."]})
        return Response({"made": request.data["name"]}, status=201)


@pytest.fixture
def in_acme() -> Any:
    acme = Tenant.objects.get(schema_name="acme")
    connection.set_tenant(acme)
    yield acme
    connection.set_tenant(acme)
    IdempotencyRecord.objects.all().delete()
    connection.set_schema_to_public()


def call(body: dict[str, Any], key: str) -> Response:
    request = APIRequestFactory().post("/work/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    return cast(Response, OneTransaction.as_view()(request))


def test_an_answer_kept_within_the_work_is_written_once_and_replays(in_acme: Tenant) -> None:
    with CaptureQueriesContext(connection) as queries:
        first = call({"name": "a"}, "one")

    completions = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "api_idempotency')
    ]
    assert first.status_code == 201 and len(completions) == 1
    record = IdempotencyRecord.objects.get(key="one")
    assert (record.state, record.response_status, record.response_body) == ("done", 201, {"made": "a"})
    again = call({"name": "a"}, "one")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_work_that_fails_after_keeping_its_answer_keeps_the_refusal_instead(in_acme: Tenant) -> None:
    refused = call({"name": "b", "fail": True}, "two")

    assert refused.status_code == 400
    record = IdempotencyRecord.objects.get(key="two")
    assert record.response_status == 400 and "name" in str(record.response_body)
    assert call({"name": "b", "fail": True}, "two").status_code == 400


def test_an_api_order_commits_with_its_answer_in_one_transaction(in_acme: Tenant) -> None:
    Tenant.objects.filter(pk=in_acme.pk).update(plan=Plan.objects.get(code="growth"))
    connection.set_tenant(in_acme)
    event, ticket_type = on_sale_event(capacity=5, quantity=5)
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {make_key('acme')}")
    body = {
        "event": event.pk,
        "tickets": [{"ticket_type": ticket_type.pk, "quantity": 1}],
        "buyer": {"name": "Ada", "email": "ada@example.com"},
    }
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
            )
        assert response.status_code == 201, response.content

        statements = [q["sql"] for q in queries.captured_queries]
        completion = next(i for i, sql in enumerate(statements) if sql.startswith('UPDATE "api_idempotency'))
        stock = next(i for i, sql in enumerate(statements) if "inventory_stock" in sql and "UPDATE" in sql)
        commits = [i for i, sql in enumerate(statements) if sql == "COMMIT"]
        assert completion < stock < commits[-1]  # kept in the order's transaction, before its stock lock
        assert sum(sql.startswith('UPDATE "api_idempotency') for sql in statements) == 1
        record = IdempotencyRecord.objects.get(key="k")
        assert record.response_status == 201 and record.response_body == response.json()
    finally:
        undo_committed_orders(in_acme, event)
