"""core.side_effects.enqueue_relay_after_commit: one relay task per window and process, run a window later.

The broker is kombu's in-memory transport (a real transport, in this process), so what the
web process would publish can be read back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from celery import Celery
from django.db import connection

from core import side_effects


@pytest.fixture
def broker_app() -> Iterator[Celery]:
    app = Celery("relay-test", broker="memory://", set_as_current=False)
    app.conf.task_always_eager = False
    yield app
    with app.connection_for_write() as broker:
        broker.SimpleQueue(app.conf.task_default_queue).clear()
    side_effects._last_queued.clear()


def _relay() -> None:
    """Stands for a relay task; never run here (only its queueing is under test)."""


def _queued(app: Celery) -> list[dict[str, Any]]:
    with app.connection_for_read() as broker:
        queue = broker.SimpleQueue(app.conf.task_default_queue)
        headers = []
        while queue.qsize():
            message = queue.get(timeout=1)
            headers.append(message.headers)
            message.ack()
        return headers


@pytest.mark.django_db
def test_commits_within_a_window_queue_one_relay_that_runs_a_window_later(
    broker_app: Celery, django_capture_on_commit_callbacks: Any
) -> None:
    relay = broker_app.task(name="tests.relay")(_relay)
    before = datetime.now().astimezone()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            side_effects.enqueue_relay_after_commit(relay, window=30)
    (headers,) = _queued(broker_app)
    assert headers["task"] == "tests.relay"
    assert datetime.fromisoformat(headers["eta"]) >= before + timedelta(seconds=30)

    # A window after the last one was queued, the next commit queues another.
    key = ("tests.relay", connection.schema_name)  # type: ignore[attr-defined]
    side_effects._last_queued[key] = time.monotonic() - 31
    with django_capture_on_commit_callbacks(execute=True):
        side_effects.enqueue_relay_after_commit(relay, window=30)
    assert [headers["task"] for headers in _queued(broker_app)] == ["tests.relay"]


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(
    broker_app: Celery, django_capture_on_commit_callbacks: Any
) -> None:
    relay = broker_app.task(name="tests.relay")(_relay)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        side_effects.enqueue_relay_after_commit(relay, window=30)
    assert len(callbacks) == 1  # registered on commit only: a rollback drops it
    assert _queued(broker_app) == []
