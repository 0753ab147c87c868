"""The pool of spare, fully migrated schemas that makes provisioning a rename.

Pooled schemas are Tenant rows with status POOLED, so every migrate run keeps them
current. Provisioning claims one with SELECT … FOR UPDATE SKIP LOCKED (concurrent
claimers never share one) and renames it inside the transaction that writes the
reseller; a background task tops the pool up again.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import connection, transaction

from tenants.models import Tenant
from tenants.schema_migrations import migrate_schemas_in_batches

POOL_PREFIX = "pool_"
_TOP_UP_LOCK = 0x7E0A_0001  # advisory lock: one top-up at a time across workers


def pooled_count() -> int:
    return Tenant.objects.filter(status=Tenant.Status.POOLED).count()


def claim_pooled_tenant() -> Tenant | None:
    """Lock one spare schema for the current transaction, or None when the pool is empty."""
    return (
        Tenant.objects.select_for_update(skip_locked=True)
        .filter(status=Tenant.Status.POOLED)
        .order_by("pk")
        .first()
    )


def rename_schema(old: str, new: str) -> None:
    """Rename a schema inside the current transaction (ALTER SCHEMA is transactional)."""
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{old}" RENAME TO "{new}"')


def create_pooled_schemas(count: int) -> list[Tenant]:
    """Create ``count`` spare schemas, migrated together as one batch."""
    names = [f"{POOL_PREFIX}{secrets.token_hex(6)}" for _ in range(count)]
    if not names:
        return []
    # Tenant.save() would create and migrate one schema at a time (about 0.3 s each).
    # Instead: create the bare schemas, migrate them as one group, and only then write
    # their rows. Until a schema has its POOLED row nobody can claim it, so a claim
    # never finds a schema that is still being migrated.
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE SCHEMA "{name}"')
        migrate_schemas_in_batches(schema_names=names, verbosity=0)
        with transaction.atomic():
            return Tenant.objects.bulk_create(
                [Tenant(schema_name=name, status=Tenant.Status.POOLED) for name in names]
            )
    except BaseException:
        # Inside a transaction that is already doomed, its rollback removes the schemas.
        if not connection.needs_rollback:
            _drop_schemas(names)
        raise


def _drop_schemas(names: list[str]) -> None:
    """Remove the schemas of a batch that failed; none of them has a tenant row yet."""
    with transaction.atomic(), connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def top_up(target: int | None = None) -> int:
    """Fill the pool up to ``target`` (default TENANT_POOL_SIZE); returns how many were added."""
    target = settings.TENANT_POOL_SIZE if target is None else target
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_TOP_UP_LOCK])
        (acquired,) = cursor.fetchone()
    if not acquired:
        return 0  # another worker is topping up
    try:
        missing = target - pooled_count()
        return len(create_pooled_schemas(missing)) if missing > 0 else 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_TOP_UP_LOCK])
