"""The batched migration path against the standard one, on real schemas.

Every test works on scratch schemas of its own (real commits, dropped afterwards) and
on test-only catalog migrations (see catalog_migration_stages.py).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tenants.migration_executor import BatchedExecutor, executor_class
from tenants.schema_migrations import migrate_schemas_in_batches
from tests.tenants.conftest import CatalogMigrations, ScratchSchemas
from tests.tenants.schema_inspection import (
    applied,
    graph_migrations,
    has_column,
    has_table,
    migrate_standard,
    rows,
    schema_snapshot,
)

SHOW = "9001_batch_test_show"
NOTE = "9002_batch_test_show_note"
LEDGER = "9003_batch_test_ledger"
RENAME = "9003_batch_test_rename_show"
UNIQUE_NAME = "9004_batch_test_unique_show_name"
CONCURRENT_INDEX = "9004_batch_test_note_index_concurrently"
SQUASHED = "9002_batch_test_squashed_9003"


def add_shows(schema: str, *names: str) -> None:
    with connection.cursor() as cursor:
        for index, name in enumerate(names):
            cursor.execute(
                f'INSERT INTO "{schema}".catalog_batchtestshow (name, slug) VALUES (%s, %s)',
                [name, f"{name.lower().replace(' ', '-')}-{index}"],
            )


def move_show_content_type(schema: str) -> None:
    """Give the show's content type another id in this schema.

    Content type ids are then no longer the same in every schema, so an id cached
    while migrating one schema and used in another would be noticed.
    """
    q = f'"{schema}"'
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q}.auth_permission SET content_type_id = content_type_id + 1000"
            f" WHERE content_type_id = (SELECT id FROM {q}.django_content_type"
            " WHERE app_label = 'catalog' AND model = 'batchtestshow');"
            f" UPDATE {q}.django_content_type SET id = id + 1000"
            " WHERE app_label = 'catalog' AND model = 'batchtestshow'"
        )


def catalog_content_types(schema: str) -> list[tuple[int, str]]:
    return [
        (id_, model)
        for id_, model in rows(
            f'SELECT id, model FROM "{schema}".django_content_type'
            " WHERE app_label = 'catalog' AND model LIKE 'batchtest%%' ORDER BY model"
        )
    ]


def migrate_batched(*schemas: str) -> Any:
    return migrate_schemas_in_batches(schema_names=list(schemas), verbosity=0)


def test_batched_path_builds_the_same_schemas_as_the_standard_executor(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    new_standard, new_batched, old_standard, old_batched = scratch_schemas(4)
    catalog_migrations.use(SHOW)
    migrate_batched(old_standard, old_batched)
    for schema in (old_standard, old_batched):
        add_shows(schema, "Opening Night", "Matinee")

    catalog_migrations.use(SHOW, NOTE, LEDGER)
    migrate_standard(new_standard)
    migrate_standard(old_standard)
    migrate_batched(new_batched, old_batched)

    assert schema_snapshot(new_batched) == schema_snapshot(new_standard)
    assert schema_snapshot(old_batched) == schema_snapshot(old_standard)
    assert applied(new_batched) == graph_migrations()
    for standard, batched in ((new_standard, new_batched), (old_standard, old_batched)):
        ledger = "SELECT show_count, show_names FROM {}.catalog_batchtestledger"
        assert rows(ledger.format(f'"{batched}"')) == rows(ledger.format(f'"{standard}"'))


def test_added_column_reaches_every_schema_and_a_second_run_applies_nothing(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    schemas = scratch_schemas(4)
    catalog_migrations.use(SHOW)
    migrate_batched(*schemas)
    add_shows(schemas[0], "Existing Show")

    catalog_migrations.use(SHOW, NOTE)
    run = migrate_batched(*schemas)

    assert run.pending == {schema: [f"catalog.{NOTE}"] for schema in schemas}
    assert run.groups == 1
    for schema in schemas:
        assert has_column(schema, "catalog_batchtestshow", "note")
        assert (("catalog", NOTE)) in applied(schema)
    assert rows(f'SELECT note FROM "{schemas[0]}".catalog_batchtestshow') == [("",)]

    recorded_before = rows(f'SELECT id, applied FROM "{schemas[0]}".django_migrations ORDER BY id')
    with CaptureQueriesContext(connection) as queries:
        again = migrate_batched(*schemas)
    assert again.pending == {} and again.up_to_date == 4
    # Only the catalog lookup and the one UNION ALL read of every django_migrations.
    assert len(queries) == 2
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries.captured_queries)
    assert rows(f'SELECT id, applied FROM "{schemas[0]}".django_migrations ORDER BY id') == recorded_before


def test_data_migration_runs_once_in_each_schema_on_that_schemas_own_rows(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    schemas = scratch_schemas(3)
    catalog_migrations.use(SHOW)
    migrate_batched(*schemas)
    shows = {schemas[0]: ["Alpha"], schemas[1]: ["Beta", "Gamma"], schemas[2]: ["Delta", "Epsilon", "Zeta"]}
    for schema, names in shows.items():
        add_shows(schema, *names)
    move_show_content_type(schemas[1])

    catalog_migrations.use(SHOW, NOTE, LEDGER)
    migrate_batched(*schemas)

    for schema, names in shows.items():
        q = f'"{schema}"'
        ((content_type_id,),) = rows(
            f"SELECT id FROM {q}.django_content_type WHERE app_label = 'catalog' AND model = 'batchtestshow'"
        )
        ledger = rows(
            "SELECT schema_name, show_count, show_names, show_content_type_id"
            f" FROM {q}.catalog_batchtestledger"
        )
        assert ledger == [(schema, len(names), ",".join(sorted(names)), content_type_id)]
        assert rows(f"SELECT DISTINCT note FROM {q}.catalog_batchtestshow") == [(f"noted in {schema}",)]
    assert not has_table("public", "catalog_batchtestledger")


def test_new_model_gets_its_table_content_type_and_permissions_in_every_schema(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    schemas = scratch_schemas(3)
    catalog_migrations.use(SHOW, NOTE)
    migrate_batched(*schemas)

    catalog_migrations.use(SHOW, NOTE, LEDGER)
    migrate_batched(*schemas)

    for schema in schemas:
        q = f'"{schema}"'
        assert has_table(schema, "catalog_batchtestledger")
        assert rows(
            f"SELECT model FROM {q}.django_content_type"
            " WHERE app_label = 'catalog' AND model LIKE 'batchtest%%' ORDER BY model"
        ) == [("batchtestledger",), ("batchtestshow",)]
        assert rows(
            f"SELECT p.codename FROM {q}.auth_permission p JOIN {q}.django_content_type t"
            " ON t.id = p.content_type_id WHERE t.model = 'batchtestledger' ORDER BY p.codename"
        ) == [
            ("add_batchtestledger",),
            ("change_batchtestledger",),
            ("delete_batchtestledger",),
            ("view_batchtestledger",),
        ]


def test_renamed_model_keeps_its_content_type_row_in_every_schema(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    first, moved, standard = scratch_schemas(3)
    catalog_migrations.use(SHOW)
    migrate_batched(first, moved, standard)
    move_show_content_type(moved)
    before = {schema: catalog_content_types(schema) for schema in (first, moved, standard)}

    catalog_migrations.use(SHOW, RENAME)
    migrate_standard(standard)
    migrate_batched(first, moved)

    for schema, ((content_type_id, model),) in before.items():
        assert model == "batchtestshow"
        assert catalog_content_types(schema) == [(content_type_id, "batchtestact")]
    assert schema_snapshot(first) == schema_snapshot(standard)


def test_schemas_at_different_states_are_each_brought_to_the_leaf(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    empty, shipped, with_show, with_note = scratch_schemas(4)
    catalog_migrations.use_shipped()
    migrate_batched(shipped)
    catalog_migrations.use(SHOW)
    migrate_batched(with_show, with_note)
    add_shows(with_note, "Kept Show")
    catalog_migrations.use(SHOW, NOTE)
    migrate_batched(with_note)

    catalog_migrations.use(SHOW, NOTE, LEDGER)
    run = migrate_batched(empty, shipped, with_show, with_note)

    assert run.groups == 4
    assert run.pending[with_note] == [f"catalog.{LEDGER}"]
    assert run.pending[shipped] == [f"catalog.{SHOW}", f"catalog.{NOTE}", f"catalog.{LEDGER}"]
    leaf = graph_migrations()
    for schema in (empty, shipped, with_show, with_note):
        assert applied(schema) == leaf
    snapshot = schema_snapshot(empty)
    for schema in (shipped, with_show, with_note):
        assert schema_snapshot(schema) == snapshot
    assert rows(f'SELECT show_names FROM "{with_note}".catalog_batchtestledger') == [("Kept Show",)]


def test_a_failing_schema_is_rolled_back_whole_and_the_error_names_it(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    first, failing, last = scratch_schemas(3)
    catalog_migrations.use(SHOW)
    migrate_batched(first, failing, last)
    add_shows(first, "Solo")
    add_shows(failing, "Twice", "Twice")  # the unique constraint of the last migration fails here
    before = schema_snapshot(failing)

    catalog_migrations.use(SHOW, NOTE, LEDGER, UNIQUE_NAME)
    with pytest.raises(IntegrityError) as failure:
        migrate_batched(first, failing, last)

    notes = "\n".join(failure.value.__notes__)
    assert f"Schema '{failing}' failed while applying catalog.{UNIQUE_NAME}" in notes
    assert "1 schema(s) of its group were migrated before it; 1 were not reached" in notes
    assert applied(first) == graph_migrations()
    # Not half-migrated: the column, the table and the rows of the migrations before
    # the failing one were rolled back with it.
    assert schema_snapshot(failing) == before
    assert not has_column(failing, "catalog_batchtestshow", "note")
    assert not has_table(failing, "catalog_batchtestledger")
    assert not has_column(last, "catalog_batchtestshow", "note")

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE \"{failing}\".catalog_batchtestshow SET name = 'Once' WHERE slug LIKE '%%-1'")
    run = migrate_batched(first, failing, last)
    assert set(run.pending) == {failing, last}
    assert applied(failing) == applied(last) == graph_migrations()


def test_non_atomic_migration_goes_through_the_standard_path(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    schemas = scratch_schemas(2)
    catalog_migrations.use(SHOW, NOTE, LEDGER)
    migrate_batched(*schemas)

    catalog_migrations.use(SHOW, NOTE, LEDGER, CONCURRENT_INDEX)
    run = migrate_batched(*schemas)

    assert run.standard_path == dict.fromkeys(schemas, f"catalog.{CONCURRENT_INDEX} is not atomic")
    for schema in schemas:
        assert ("catalog", CONCURRENT_INDEX) in applied(schema)
        assert rows(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            [schema, "batch_test_show_note_idx"],
        ) == [
            (f"CREATE INDEX batch_test_show_note_idx ON {schema}.catalog_batchtestshow USING btree (note)",)
        ]


def test_squashed_migrations_are_recorded_as_django_records_them(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    none_applied, all_applied, partly_applied, standard = scratch_schemas(4)
    catalog_migrations.use(SHOW)
    migrate_batched(none_applied, partly_applied, standard)
    catalog_migrations.use(SHOW, NOTE)
    migrate_batched(partly_applied)
    catalog_migrations.use(SHOW, NOTE, LEDGER)
    migrate_batched(all_applied)

    catalog_migrations.use(SHOW, NOTE, LEDGER, squashed=True)
    migrate_standard(standard)
    run = migrate_batched(none_applied, all_applied, partly_applied)

    # The squash replaces 9002 and 9003; Django records both and the squash itself.
    assert ("catalog", SQUASHED) in applied(standard)
    assert applied(none_applied) == applied(all_applied) == applied(partly_applied) == applied(standard)
    assert run.pending[all_applied] == []  # only the squash's own row was missing
    assert run.standard_path == {partly_applied: f"squashed migration catalog.{SQUASHED} is partly applied"}
    assert schema_snapshot(none_applied) == schema_snapshot(standard)


def test_migrate_schemas_runs_the_batched_executor_and_check_reports_pending_work(
    scratch_schemas: ScratchSchemas, catalog_migrations: CatalogMigrations
) -> None:
    (schema,) = scratch_schemas(1)
    assert executor_class() is BatchedExecutor  # the settings' default

    output = io.StringIO()
    call_command("migrate_schemas", schema_name=schema, interactive=False, stdout=output)
    assert "Checked 1 schema(s): 0 up to date, 1 to migrate" in output.getvalue()

    catalog_migrations.use(SHOW)
    with pytest.raises(SystemExit) as pending:
        call_command("migrate_schemas", schema_name=schema, check_unapplied=True, verbosity=0)
    assert pending.value.code == 1
    assert ("catalog", SHOW) not in applied(schema)

    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    call_command("migrate_schemas", schema_name=schema, check_unapplied=True, verbosity=0)
    assert ("catalog", SHOW) in applied(schema)


def test_a_tenant_whose_schema_is_gone_is_skipped(committed: None) -> None:
    from tenants.models import Tenant

    Tenant.objects.bulk_create([Tenant(schema_name="closedshop", name="Closed", status=Tenant.Status.CLOSED)])
    output = io.StringIO()

    call_command("migrate_schemas", tenant=True, interactive=False, stdout=output)

    # Other tests may have closed resellers of their own by now.
    assert re.search(r"\d+ missing: (\w+, )*closedshop\b", output.getvalue()), output.getvalue()
