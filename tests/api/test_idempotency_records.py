"""Idempotency records claimed and completed one statement each: what each outcome leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.errors import ApiError
from api.models import IdempotencyRecord
from api.services import claim_idempotency_key, complete_idempotency_key
from tenants.models import Tenant

pytestmark = pytest.mark.usefixtures("in_acme")


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with tenant_context(acme):
        yield acme


def _refusal(owner: str, key: str, request_hash: str) -> str:
    with pytest.raises(ApiError) as refused:
        claim_idempotency_key(owner=owner, key=key, request_hash=request_hash)
    assert refused.value.http_status == 409
    return str(refused.value.code)


def test_a_claim_and_its_completion_are_one_statement_each_and_the_answer_replays() -> None:
    with CaptureQueriesContext(connection) as queries:
        claim = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64)
        assert claim.record_id is not None and claim.replay is None
        complete_idempotency_key(
            record_id=claim.record_id, status=201, body={"code": "ABC", "total": [1, "2"]}
        )
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert [verb for verb in statements if verb != "SET"] == ["INSERT", "UPDATE"]  # SET: the search path
    replay = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64).replay
    assert replay is not None and replay.pk == claim.record_id
    assert (replay.state, replay.response_status) == ("done", 201)
    assert replay.response_body == {"code": "ABC", "total": [1, "2"]}


def test_a_running_key_and_a_key_used_for_another_request_are_refused() -> None:
    claim = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64)
    assert claim.record_id is not None
    assert _refusal("key:1", "k", "a" * 64) == "idempotency_key_in_use"
    assert _refusal("key:1", "k", "b" * 64) == "idempotency_key_reused"
    assert claim_idempotency_key(owner="key:2", key="k", request_hash="b" * 64).record_id != claim.record_id
    assert IdempotencyRecord.objects.get(pk=claim.record_id).state == "running"


def test_an_answer_of_a_server_error_keeps_nothing_and_the_key_runs_again() -> None:
    claim = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64)
    assert claim.record_id is not None
    complete_idempotency_key(record_id=claim.record_id, status=503, body={"detail": "down"})
    assert not IdempotencyRecord.objects.filter(key="k").exists()
    again = claim_idempotency_key(owner="key:1", key="k", request_hash="b" * 64)
    assert again.record_id is not None and again.replay is None


def test_after_24_hours_a_key_is_free_again_under_a_new_record() -> None:
    first = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64)
    assert first.record_id is not None
    complete_idempotency_key(record_id=first.record_id, status=201, body={"code": "OLD"})
    IdempotencyRecord.objects.filter(pk=first.record_id).update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    again = claim_idempotency_key(owner="key:1", key="k", request_hash="b" * 64)
    assert again.replay is None and again.record_id is not None and again.record_id != first.record_id
    record = IdempotencyRecord.objects.get(owner="key:1", key="k")
    assert record.pk == again.record_id
    assert (record.request_hash, record.state, record.response_status, record.response_body) == (
        "b" * 64,
        "running",
        None,
        None,
    )
    assert record.created_at > timezone.now() - timedelta(minutes=1)
    # The old request's completion (were it still running) touches the new record not at all.
    complete_idempotency_key(record_id=first.record_id, status=201, body={"code": "LATE"})
    assert IdempotencyRecord.objects.get(pk=again.record_id).state == "running"


def test_within_24_hours_a_key_is_not_taken_over() -> None:
    first = claim_idempotency_key(owner="key:1", key="k", request_hash="a" * 64)
    assert first.record_id is not None
    IdempotencyRecord.objects.filter(pk=first.record_id).update(
        created_at=timezone.now() - timedelta(hours=23, minutes=59)
    )
    assert _refusal("key:1", "k", "a" * 64) == "idempotency_key_in_use"
    assert IdempotencyRecord.objects.get(owner="key:1", key="k").pk == first.record_id
