"""Writing the audit trail. Called by other services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import User
from ticketing.audit.models import LogEntry


def record(*, action: str, target: models.Model, actor: User | None = None, **data: Any) -> LogEntry:
    """Append one audit row for ``target`` (in the caller's transaction)."""
    entry = log_entry(action=action, target=target, actor=actor, **data)
    entry.save(force_insert=True)
    return entry


def log_entry(*, action: str, target: models.Model, actor: User | None = None, **data: Any) -> LogEntry:
    """The audit row ``record`` would append, unsaved: for a service writing it with its own rows.

    ``target`` may be new too (its id then comes from the same statement, see
    ``core.model_rows.InsertStatement``'s ``refer``).
    """
    return LogEntry(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        object_type=target._meta.model_name or "",
        object_id=target.pk,
        data=data,
    )
