"""Migrate many schemas at once: plan and render once per group, apply per schema.

django-tenants' standard executor runs Django's whole ``migrate`` command once per
schema: it builds the migration graph, renders every model state, sends post_migrate
for every app and, with nothing to apply, still asks the autodetector for unmade
changes. That is 0.1 to 0.2 s per schema, most of it the same work over and over.

Here the applied migrations of every schema are read in one UNION ALL query, schemas
with the same applied set form a group, and per group the plan is computed and the
project states before and after every operation are rendered once. Each schema of
the group then only runs the operations' SQL against those states, records its rows
and sends post_migrate for the apps it migrated, all in one transaction of its own:
a schema that fails is left exactly as it was, never half-migrated.

What differs from the standard executor, on purpose:
- A schema with nothing to apply is not touched at all: no post_migrate, no
  autodetector hint, no schema_migrated signal. (post_migrate only re-creates content
  types and permissions, which are created whenever the migrations that need them
  are applied.)
- post_migrate is sent only for the apps whose migrations were applied; a schema
  migrated from nothing gets it for every app, as on a first ``migrate``.
- pre_migrate is sent once per group, not once per schema: its only receiver here
  (contenttypes) rewrites the plan, which must happen before the states are rendered.
- All migrations of a schema are one transaction, not one transaction each.
- Listed schemas that do not exist (a closed reseller keeps its row) are skipped.

Schemas whose plan this path cannot apply safely go through the standard per-schema
path instead: a non-atomic migration (``atomic = False``, e.g. a concurrent index),
a partly applied squashed migration, or a history with a migration applied before
its dependency (the standard path raises Django's own error for it).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

from django.apps import apps as global_apps
from django.core.management import load_command_class
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.sql import emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.special import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState, StateApps
from django.db.models import Model
from django.db.models.signals import post_migrate
from django_tenants.migration_executors.base import run_migrations
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.signals import schema_migrated, schema_pre_migration
from django_tenants.utils import quote_schema_name

MigrationKey = tuple[str, str]
StandardPath = Callable[[str], None]

# Schemas per UNION ALL statement: keeps one statement's plan small, while a few
# hundred schemas still take one round trip.
_SCHEMAS_PER_QUERY = 500


@dataclass
class MigrationRun:
    """What one batched run found and did."""

    checked: int = 0
    # schema → the migrations it lacked ("app.name"), in the order they were (or would be) applied
    pending: dict[str, list[str]] = field(default_factory=dict)
    # schema → why it went (or would go) through the standard per-schema path instead
    standard_path: dict[str, str] = field(default_factory=dict)
    # listed schemas that do not exist
    missing: list[str] = field(default_factory=list)
    groups: int = 0
    seconds: float = 0.0

    @property
    def to_migrate(self) -> set[str]:
        return set(self.pending) | set(self.standard_path)

    @property
    def up_to_date(self) -> int:
        return self.checked - len(self.to_migrate) - len(self.missing)


@dataclass(frozen=True)
class RecordedMigrations:
    """One schema's django_migrations rows; ``has_table`` is False when it has no such table yet."""

    rows: frozenset[MigrationKey]
    has_table: bool


def _tenant_connection(using: str) -> TenantDatabaseWrapper:
    """The connection with django-tenants' schema switching (set_schema, set_tenant)."""
    return cast(TenantDatabaseWrapper, connections[using])


def read_recorded_migrations(*, schema_names: Sequence[str], using: str) -> dict[str, RecordedMigrations]:
    """Every listed schema's applied migrations, in one query per few hundred schemas.

    Schemas that do not exist are left out of the answer.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                           WHERE c.relnamespace = n.oid AND c.relname = 'django_migrations'
                             AND c.relkind IN ('r', 'p'))
            FROM pg_catalog.pg_namespace n
            WHERE n.nspname = ANY(%s)
            """,
            [list(schema_names)],
        )
        has_table = dict(cursor.fetchall())
    with_table = [name for name in schema_names if has_table.get(name)]
    rows: dict[str, set[MigrationKey]] = {name: set() for name in with_table}
    for start in range(0, len(with_table), _SCHEMAS_PER_QUERY):
        chunk = with_table[start : start + _SCHEMAS_PER_QUERY]
        # The schema travels as its position in the chunk: identifiers cannot be
        # parameters, and a literal integer needs no quoting.
        query = " UNION ALL ".join(
            f"SELECT {index}, app, name FROM {quote_schema_name(name)}.django_migrations"
            for index, name in enumerate(chunk)
        )
        with connection.cursor() as cursor:
            cursor.execute(query)
            for index, app, name in cursor.fetchall():
                rows[chunk[index]].add((app, name))
    return {
        name: RecordedMigrations(rows=frozenset(rows.get(name, ())), has_table=bool(has_table[name]))
        for name in schema_names
        if name in has_table
    }


@dataclass(frozen=True)
class _GroupKey:
    applied: frozenset[MigrationKey]  # graph nodes the schema has applied
    recorded_squashes: frozenset[MigrationKey]  # squashed migrations already recorded as such


def _group_key(recorded: frozenset[MigrationKey], loader: MigrationLoader) -> _GroupKey | str:
    """Where a schema stands in the graph, or why only the standard path can migrate it.

    The loader is built without a database, so every squashed migration stands in for
    the migrations it replaces; that graph is right for any schema that has applied all
    or none of them (Django's own rule).
    """
    graph = loader.graph
    applied = {key for key in recorded if key in graph.nodes and key not in loader.replacements}
    for key, squashed in loader.replacements.items():
        statuses = [replaced in recorded for replaced in squashed.replaces]
        if all(statuses):
            applied.add(key)
        elif any(statuses):
            return f"squashed migration {key[0]}.{key[1]} is partly applied"
    for key in applied:
        for parent in graph.node_map[key].parents:
            if parent not in applied:
                return f"{key[0]}.{key[1]} is applied before its dependency {parent[0]}.{parent[1]}"
    return _GroupKey(
        applied=frozenset(applied),
        recorded_squashes=frozenset(key for key in loader.replacements if key in recorded),
    )


def _full_plan(loader: MigrationLoader) -> list[Migration]:
    """Every migration in the order Django applies them to an empty database."""
    seen: set[MigrationKey] = set()
    ordered: list[Migration] = []
    for target in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(target):
            if key not in seen:
                seen.add(key)
                ordered.append(loader.graph.nodes[key])
    return ordered


def _key(migration: Migration) -> MigrationKey:
    return (migration.app_label, migration.name)


def _label(migration: Migration) -> str:
    return f"{migration.app_label}.{migration.name}"


def _rows_to_record(
    group: _GroupKey, planned: Sequence[Migration], loader: MigrationLoader
) -> list[MigrationKey]:
    """django_migrations rows after applying ``planned``, as Django's executor writes them."""
    rows: list[MigrationKey] = []
    for migration in planned:
        # A squashed migration records the migrations it replaces (Django's record_migration).
        rows.extend(migration.replaces or [_key(migration)])
    # …and is itself recorded once all of those are (Django's check_replacements).
    recorded = set(rows)
    for key in group.applied:
        recorded.update(loader.replacements[key].replaces if key in loader.replacements else [key])
    for key, squashed in loader.replacements.items():
        if key not in group.recorded_squashes and all(r in recorded for r in squashed.replaces):
            rows.append(key)
    return rows


@dataclass
class _Step:
    migration: Migration
    # (operation, state before it, state after it): rendered once, used by every schema
    operations: list[tuple[Operation, ProjectState, ProjectState]]
    writes_rows: bool


@dataclass
class _PreparedGroup:
    migrations: list[Migration]
    steps: list[_Step]
    rows: list[MigrationKey]
    post_migrate_apps: StateApps
    post_migrate_labels: frozenset[str] | None  # None: every app
    content_type_models: list[type[Model]]


# Brand-new schemas (nothing applied) always need the same plan and states while the
# migration files stay the same, which they do for the life of a process. Keeping the
# prepared group lets a long-lived process (a web or Celery worker provisioning without a
# spare schema, a pool top-up) skip the state rendering, about two thirds of the work.
_fresh_schema_groups: dict[tuple[str, tuple[MigrationKey, ...]], _PreparedGroup] = {}


def _prepare_group(
    group: _GroupKey, *, using: str, verbosity: int, interactive: bool, stdout: OutputWrapper
) -> _PreparedGroup | str:
    """Plan a group and render its states once, or say why it needs the standard path."""
    # A loader of its own: pre_migrate receivers rewrite the migrations' operation
    # lists in place, which must happen once per group, not once per process.
    loader = MigrationLoader(None)
    full_plan = _full_plan(loader)
    if group.applied or group.recorded_squashes:
        return _render_group(
            group, loader, full_plan, using=using, verbosity=verbosity, interactive=interactive, stdout=stdout
        )
    cache_key = (using, tuple(_key(migration) for migration in full_plan))
    if cache_key not in _fresh_schema_groups:
        prepared = _render_group(
            group, loader, full_plan, using=using, verbosity=verbosity, interactive=interactive, stdout=stdout
        )
        if isinstance(prepared, str):
            return prepared
        _fresh_schema_groups.clear()  # one plan is ever current
        _fresh_schema_groups[cache_key] = prepared
    return _fresh_schema_groups[cache_key]


def _render_group(
    group: _GroupKey,
    loader: MigrationLoader,
    full_plan: list[Migration],
    *,
    using: str,
    verbosity: int,
    interactive: bool,
    stdout: OutputWrapper,
) -> _PreparedGroup | str:
    planned = [migration for migration in full_plan if _key(migration) not in group.applied]
    for migration in planned:
        if not migration.atomic:
            return f"{_label(migration)} is not atomic"

    state = ProjectState(real_apps=loader.unmigrated_apps)
    for migration in full_plan:
        if _key(migration) in group.applied:
            migration.mutate_state(state, preserve=False)
    state.apps  # noqa: B018  render once: the expensive part, shared by every schema of the group
    emit_pre_migrate_signal(
        verbosity,
        interactive,
        using,
        stdout=stdout,
        apps=state.apps,
        plan=[(migration, False) for migration in planned],
    )

    steps: list[_Step] = []
    for migration in planned:
        operations: list[tuple[Operation, ProjectState, ProjectState]] = []
        for operation in migration.operations:
            if isinstance(operation, RunPython) and state.is_delayed:
                # RunPython re-renders a state whose related models were left stale
                # ("delayed"), and would do it again for every schema; render it
                # fully once here, after which it is no longer delayed.
                state.clear_delayed_apps_cache()
                state.apps  # noqa: B018
                state.is_delayed = False
            after = state.clone()
            operation.state_forwards(migration.app_label, after)
            operations.append((operation, state, after))
            state = after
        steps.append(
            _Step(
                migration=migration,
                operations=operations,
                writes_rows=_writes_rows(migration.operations),
            )
        )

    # post_migrate receivers see every model: re-render what is delayed, and the
    # models of apps without migrations from their real classes (as ``migrate`` does).
    final = state.clone()
    final.clear_delayed_apps_cache()
    post_migrate_apps = final.apps
    with post_migrate_apps.bulk_update():
        real_model_keys = []
        for model_state in post_migrate_apps.real_models:
            model_key = (model_state.app_label, model_state.name_lower)
            real_model_keys.append(model_key)
            post_migrate_apps.unregister_model(*model_key)
    post_migrate_apps.render_multiple(
        [ModelState.from_model(global_apps.get_model(*model_key)) for model_key in real_model_keys]
    )

    return _PreparedGroup(
        migrations=planned,
        steps=steps,
        rows=_rows_to_record(group, planned, loader),
        post_migrate_apps=post_migrate_apps,
        post_migrate_labels=None if not group.applied else frozenset(m.app_label for m in planned),
        content_type_models=_content_type_models(
            [post_migrate_apps] + [s.apps for step in steps for _, s, _ in step.operations]
        ),
    )


def _writes_rows(operations: Iterable[Operation]) -> bool:
    """Whether operations may change rows (and leave deferred constraint checks pending)."""
    for operation in operations:
        if isinstance(operation, RunPython | RunSQL):
            return True
        if isinstance(operation, SeparateDatabaseAndState) and _writes_rows(operation.database_operations):
            return True
    return False


def _content_type_models(registries: Iterable[StateApps]) -> list[type[Model]]:
    """The historical ContentType classes these states use (one per distinct rendering)."""
    models: dict[int, type[Model]] = {}
    for registry in registries:
        try:
            model = registry.get_model("contenttypes", "ContentType")
        except LookupError:
            continue
        models[id(model)] = model
    return list(models.values())


def _apply_to_schema(
    prepared: _PreparedGroup,
    schema: str,
    *,
    has_table: bool,
    using: str,
    verbosity: int,
    interactive: bool,
    stdout: OutputWrapper,
) -> None:
    """Apply a prepared group to one schema, in one transaction."""
    connection = _tenant_connection(using)
    # set_schema() is what django-tenants' router reads to tell tenant apps from
    # shared ones; it also empties the real ContentType cache.
    connection.set_schema(schema)
    # The historical ContentType classes are shared by every schema of the group, and
    # their managers cache rows per database alias, not per schema.
    for content_type_model in prepared.content_type_models:
        content_type_model.objects.clear_cache()  # type: ignore[attr-defined]
    schema_pre_migration.send(sender=migrate_schemas_in_batches, schema_name=schema)
    current: Migration | None = None
    try:
        with transaction.atomic(using=using):
            recorder = MigrationRecorder(connection)
            if not has_table:
                recorder.ensure_schema()
            last = len(prepared.steps) - 1
            for index, step in enumerate(prepared.steps):
                current = step.migration
                # Not atomic on its own: the schema's transaction is the unit that rolls
                # back, and a savepoint per migration would only add two round trips.
                with connection.schema_editor(atomic=False) as editor:
                    for operation, before, after in step.operations:
                        operation.database_forwards(step.migration.app_label, editor, before, after)
                if step.writes_rows and index < last:
                    # Django commits after each migration; here the next one follows in
                    # the same transaction, so fire deferred constraint checks now, as a
                    # commit would (ALTER TABLE refuses tables with pending trigger events).
                    connection.check_constraints()
            current = None
            recorder.migration_qs.bulk_create(
                [recorder.Migration(app=app, name=name) for app, name in prepared.rows]
            )
            _send_post_migrate(
                prepared, using=using, verbosity=verbosity, interactive=interactive, stdout=stdout
            )
    except Exception as error:
        where = f"applying {_label(current)}" if current else "recording it"
        error.add_note(f"Schema {schema!r} failed while {where}; its transaction was rolled back.")
        raise
    schema_migrated.send(sender=migrate_schemas_in_batches, schema_name=schema)


def _send_post_migrate(
    prepared: _PreparedGroup, *, using: str, verbosity: int, interactive: bool, stdout: OutputWrapper
) -> None:
    plan = [(migration, False) for migration in prepared.migrations]
    for app_config in global_apps.get_app_configs():
        if app_config.models_module is None:
            continue
        if prepared.post_migrate_labels is not None and app_config.label not in prepared.post_migrate_labels:
            continue
        if verbosity >= 2:
            stdout.write(f"Running post-migrate handlers for application {app_config.label}")
        post_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=verbosity,
            interactive=interactive,
            using=using,
            stdout=stdout,
            apps=prepared.post_migrate_apps,
            plan=plan,
        )


def migrate_schemas_in_batches(
    *,
    schema_names: Sequence[str],
    using: str = DEFAULT_DB_ALIAS,
    verbosity: int = 1,
    interactive: bool = False,
    stdout: TextIO | None = None,
    check_only: bool = False,
    standard_path: StandardPath | None = None,
) -> MigrationRun:
    """Bring every listed schema to the leaf migrations; schemas that fail raise, rolled back.

    ``standard_path(schema)`` migrates one schema the per-schema way, for plans this
    path does not apply itself; by default django-tenants' standard executor. With
    ``check_only`` nothing is applied: the run only says what is pending.
    """
    started = time.perf_counter()
    # Django's wrapper ends each write with a newline, as receivers of the signals expect.
    out = OutputWrapper(stdout or sys.stdout)
    connection = _tenant_connection(using)
    previous_tenant = connection.tenant
    run = MigrationRun(checked=len(schema_names))
    try:
        recorded = read_recorded_migrations(schema_names=schema_names, using=using)
        run.missing = [name for name in schema_names if name not in recorded]
        loader = MigrationLoader(None)
        _refuse_conflicts(loader)
        full_plan = _full_plan(loader)

        groups: dict[_GroupKey, list[str]] = {}
        for name, status in recorded.items():
            key = _group_key(status.rows, loader)
            if isinstance(key, str):
                run.standard_path[name] = key
                continue
            planned = [_label(m) for m in full_plan if _key(m) not in key.applied]
            if planned or _rows_to_record(key, [], loader):
                groups.setdefault(key, []).append(name)
                run.pending[name] = planned
        run.groups = len(groups)
        if verbosity >= 1:
            out.write(
                f"Checked {run.checked} schema(s): {run.up_to_date} up to date, "
                f"{len(run.to_migrate)} to migrate ({len(groups)} group(s) in batches)"
                + (f", {len(run.missing)} missing: {', '.join(run.missing)}" if run.missing else "")
                + "."
            )
        if check_only:
            return run

        if groups:
            connection.prepare_database()  # as ``migrate`` does (e.g. PostGIS creates its extension)
        for key, names in groups.items():
            connection.set_schema(names[0])  # the router decides pre_migrate's rewrites by schema
            prepared = _prepare_group(
                key, using=using, verbosity=verbosity, interactive=interactive, stdout=out
            )
            if isinstance(prepared, str):
                run.standard_path.update(dict.fromkeys(names, prepared))
                continue
            if verbosity >= 1:
                out.write(
                    f"Applying {len(prepared.migrations)} migration(s) to {len(names)} schema(s): "
                    f"{', '.join(_label(m) for m in prepared.migrations) or 'records only'}"
                )
            for done, name in enumerate(names):
                schema_started = time.perf_counter()
                try:
                    _apply_to_schema(
                        prepared,
                        name,
                        has_table=recorded[name].has_table,
                        using=using,
                        verbosity=verbosity,
                        interactive=interactive,
                        stdout=out,
                    )
                except Exception as error:
                    error.add_note(
                        f"{done} schema(s) of its group were migrated before it; "
                        f"{len(names) - done - 1} were not reached."
                    )
                    raise
                if verbosity >= 2:
                    out.write(f"  {name}: OK ({time.perf_counter() - schema_started:.2f} s)")

        one_by_one = run.standard_path
        if one_by_one:
            migrate_one = standard_path or _standard_path(using=using, verbosity=verbosity)
            for name, reason in one_by_one.items():
                if verbosity >= 1:
                    out.write(f"{name}: migrating with the standard executor ({reason}).")
                connection.set_tenant(previous_tenant)
                migrate_one(name)
    finally:
        connection.set_tenant(previous_tenant)
    run.seconds = time.perf_counter() - started
    if verbosity >= 1 and run.to_migrate:
        out.write(f"Migrated {len(run.to_migrate)} schema(s) in {run.seconds:.2f} s.")
    return run


def _refuse_conflicts(loader: MigrationLoader) -> None:
    conflicts = loader.detect_conflicts()
    if conflicts:
        names = "; ".join(f"{', '.join(names)} in {app}" for app, names in conflicts.items())
        raise CommandError(
            f"Conflicting migrations detected; multiple leaf nodes in the migration graph: ({names}).\n"
            "To fix them run 'python manage.py makemigrations --merge'"
        )


def _standard_path(*, using: str, verbosity: int) -> StandardPath:
    """django-tenants' per-schema migrate, with migrate_schemas' default options."""
    command = load_command_class("django_tenants", "migrate_schemas")
    options: dict[str, Any] = vars(command.create_parser("manage.py", "migrate_schemas").parse_args([]))
    options.update(verbosity=verbosity, interactive=False, database=using, skip_checks=True)

    def migrate_one(schema: str) -> None:
        run_migrations((), options, "standard", schema)

    return migrate_one
