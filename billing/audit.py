"""The control plane's audit trail for billing changes (tenants.AuditEntry, public schema)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from tenants.models import AuditEntry, Tenant


def record_audit(action: str, *, tenant: Tenant | None, actor: User | None = None, **data: Any) -> AuditEntry:
    """Append one audit row in the caller's transaction."""
    return AuditEntry.objects.create(
        action=action, tenant=tenant, actor=actor if actor is not None and actor.pk else None, data=data
    )
