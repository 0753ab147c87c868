"""Spare schemas are created as one batch, and only become claimable once migrated."""

from __future__ import annotations

import pytest

from tenants import pool
from tenants.models import Tenant
from tests.tenants.conftest import CatalogMigrations, ScratchSchemas
from tests.tenants.schema_inspection import applied, graph_migrations, migrate_standard, rows, schema_snapshot


def pool_schemas() -> set[str]:
    return {name for (name,) in rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pool\\_%%'")}


def pooled_rows() -> set[str]:
    return set(Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True))


def test_spare_schemas_are_migrated_together_and_match_the_standard_executor(
    committed: None, scratch_schemas: ScratchSchemas
) -> None:
    (reference,) = scratch_schemas(1)
    migrate_standard(reference)
    rows_before = pooled_rows()

    created = pool.create_pooled_schemas(3)

    names = {tenant.schema_name for tenant in created}
    assert len(names) == 3
    assert pooled_rows() == rows_before | names
    assert names <= pool_schemas()
    expected = schema_snapshot(reference)
    for name in names:
        assert applied(name) == graph_migrations()
        assert schema_snapshot(name) == expected  # tables, content types and permissions


def test_a_batch_that_fails_leaves_no_spare_schema_and_no_row_behind(
    committed: None, catalog_migrations: CatalogMigrations
) -> None:
    schemas_before, rows_before = pool_schemas(), pooled_rows()
    catalog_migrations.use("9001_batch_test_fails")

    with pytest.raises(RuntimeError, match="fails on purpose"):
        pool.create_pooled_schemas(2)

    assert pool_schemas() == schemas_before
    assert pooled_rows() == rows_before


def test_creating_no_spare_schema_does_nothing(committed: None) -> None:
    schemas_before = pool_schemas()
    assert pool.create_pooled_schemas(0) == []
    assert pool_schemas() == schemas_before
