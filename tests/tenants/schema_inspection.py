"""Reading back what migrating did to a schema, for comparing executors."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader


def rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def schema_snapshot(schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """What migrating decides about a schema, its own name replaced by SCHEMA."""
    q = f'"{schema}"'
    found = {
        "columns": rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length"
            " FROM information_schema.columns WHERE table_schema = %s",
            [schema],
        ),
        "indexes": rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema]
        ),
        "constraints": rows(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = %s::regnamespace",
            [schema],
        ),
        "migrations": rows(f"SELECT app, name FROM {q}.django_migrations"),
        "content_types": rows(f"SELECT app_label, model FROM {q}.django_content_type"),
        "permissions": rows(
            f"SELECT p.codename, p.name, t.app_label, t.model FROM {q}.auth_permission p"
            f" JOIN {q}.django_content_type t ON t.id = p.content_type_id"
        ),
    }
    return {
        key: sorted(tuple(str(v).replace(schema, "SCHEMA") for v in row) for row in values)
        for key, values in found.items()
    }


def applied(schema: str) -> set[tuple[str, str]]:
    return set(rows(f'SELECT app, name FROM "{schema}".django_migrations'))


def graph_migrations() -> set[tuple[str, str]]:
    """Every migration of the current graph: what a schema at the leaf has recorded."""
    return set(MigrationLoader(None).graph.nodes)


def has_table(schema: str, table: str) -> bool:
    return rows("SELECT to_regclass(%s)", [f'"{schema}".{table}'])[0][0] is not None


def has_column(schema: str, table: str, column: str) -> bool:
    return bool(
        rows(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
            " AND column_name = %s",
            [schema, table, column],
        )
    )


def migrate_standard(schema: str) -> None:
    call_command("migrate_schemas", schema_name=schema, executor="standard", interactive=False, verbosity=0)
