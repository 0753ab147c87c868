"""Recording domain events: one INSERT in the caller's transaction, relays told after its commit.

Any service calls ``record_event(type=..., payload=...)`` inside its durable transaction,
so the event exists exactly when the change does (a rolled-back order leaves no event).
Who relays the events is configuration, not an import: ``settings.OUTBOX_RELAY_TASKS``
names Celery tasks (dotted paths) queued once the transaction commits, and the relay's
own beat schedule sweeps up whatever was written while no worker ran.

In an on-sale rush a relay per order would be a broker round trip per order and a relay
run per order on the workers, so relays are queued through
``core.side_effects.enqueue_relay_after_commit``: at most one per shop per
``OUTBOX_RELAY_COALESCE_SECONDS`` and process, starting after every commit it stands in for.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.side_effects import enqueue_relay_after_commit
from ticketing.outbox.models import EventType, OutboxEvent


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


def record_event(
    *, type: EventType | str, payload: Mapping[str, Any], target: models.Model | None = None
) -> OutboxEvent:
    """Append one domain event about ``target`` to the outbox, in the caller's transaction."""
    return record_events([(type, payload)], target=target)[0]


def record_events(
    events: Iterable[tuple[EventType | str, Mapping[str, Any]]], *, target: models.Model | None = None
) -> list[OutboxEvent]:
    """Append several events in one INSERT."""
    rows = new_events(events, target=target)
    OutboxEvent.objects.bulk_create(rows)
    return rows


def new_events(
    events: Iterable[tuple[EventType | str, Mapping[str, Any]]], *, target: models.Model | None = None
) -> list[OutboxEvent]:
    """Unsaved event rows for a statement that writes them with their change.

    The order path adds them to its one INSERT statement (``core.model_rows.InsertStatement``,
    ``refer={"object_id": order}`` for a new order's id); the relays are told after the commit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Domain events are recorded inside the transaction of the change they describe.")
    rows = [
        OutboxEvent(
            public_id=new_event_id(),
            type=str(EventType(event_type)),
            payload=dict(payload),
            object_type=(target._meta.model_name or "") if target is not None else "",
            object_id=target.pk if target is not None else None,
        )
        for event_type, payload in events
    ]
    if rows:
        for task in _relay_tasks():
            enqueue_relay_after_commit(task, window=settings.OUTBOX_RELAY_COALESCE_SECONDS)
    return rows


@cache
def _relay_tasks() -> list[Any]:
    return [import_string(path) for path in settings.OUTBOX_RELAY_TASKS]


def prune_events(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Delete relayed events older than OUTBOX_RETENTION_DAYS (their webhook deliveries go with them)."""
    before = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    pruned = 0
    while True:
        with transaction.atomic(durable=True):
            old = list(
                OutboxEvent.objects.filter(created_at__lt=before, relayed_at__isnull=False)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if old:
                OutboxEvent.objects.filter(pk__in=old).delete()
        pruned += len(old)
        if len(old) < batch_size:
            return pruned
