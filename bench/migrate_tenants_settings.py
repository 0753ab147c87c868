"""Settings for bench/migrate_tenants.py only: the project's, plus a throwaway tenant app.

A separate database (BENCH_DATABASE) keeps the benchmark's schemas out of the
development data; BENCH_MIGRATIONS picks how far the throwaway app's migrations go.
"""

import os

from controlplane.settings import *  # noqa: F403
from controlplane.settings import DATABASES, INSTALLED_APPS, TENANT_APPS

DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE", "bench_tenants")
TENANT_APPS = [*TENANT_APPS, "bench.throwaway_tenant_app"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.throwaway_tenant_app"]

_STAGES = {
    "initial": "bench.throwaway_tenant_app.migrations",
    "added_column": "bench.throwaway_tenant_app.stages.added_column.migrations",
    "second_column": "bench.throwaway_tenant_app.stages.second_column.migrations",
}
MIGRATION_MODULES = {"bench_throwaway": _STAGES[os.environ.get("BENCH_MIGRATIONS", "initial")]}
