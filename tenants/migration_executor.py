"""``migrate_schemas --executor=batched``: django-tenants' entry to tenants.schema_migrations.

django-tenants finds executors among MigrationExecutor's subclasses by codename, so
this module must be imported before it looks; settings.GET_EXECUTOR_FUNCTION names
``executor_class`` below, which imports it and picks the default from
settings.TENANT_MIGRATION_EXECUTOR.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django_tenants.migration_executors import get_executor
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.migration_executors.standard import StandardExecutor

from tenants.schema_migrations import migrate_schemas_in_batches

# migrate_schemas options that ask for something other than "bring every schema to
# the leaf migrations"; the standard executor serves them, schema by schema.
_STANDARD_ONLY_OPTIONS = (
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "run_syncdb",
)


class BatchedExecutor(MigrationExecutor):
    """Plans and renders once per group of schemas at the same migration state."""

    codename = "batched"

    def run_migrations(self, tenants: Any = None) -> None:
        schema_names = list(tenants or [])
        if not schema_names:
            return
        if any(self.options.get(option) for option in _STANDARD_ONLY_OPTIONS):
            StandardExecutor(self.args, self.options).run_migrations(tenants=schema_names)
            return
        run = migrate_schemas_in_batches(
            schema_names=schema_names,
            using=self.options.get("database") or self.TENANT_DB_ALIAS,
            verbosity=int(self.options.get("verbosity", 1)),
            interactive=bool(self.options.get("interactive", False)),
            stdout=self.options.get("stdout") or sys.stdout,
            check_only=bool(self.options.get("check_unapplied")),
            standard_path=self._migrate_one_schema,
        )
        if self.options.get("check_unapplied") and run.to_migrate:
            sys.exit(1)  # what ``migrate --check`` does when something is unapplied

    def run_multi_type_migrations(self, tenants: Any) -> None:
        # Tenant types have different app lists; this project has one type.
        StandardExecutor(self.args, self.options).run_multi_type_migrations(tenants)

    def _migrate_one_schema(self, schema_name: str) -> None:
        run_migrations(self.args, self.options, StandardExecutor.codename, schema_name)


def executor_class(codename: str | None = None) -> type[MigrationExecutor]:
    """The executor ``migrate_schemas`` runs: --executor, else $EXECUTOR, else the setting."""
    chosen = codename or os.environ.get("EXECUTOR") or settings.TENANT_MIGRATION_EXECUTOR
    return get_executor(codename=chosen)
