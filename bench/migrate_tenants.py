"""Benchmark: ``migrate_schemas`` across many tenant schemas, batched executor against standard.

    python bench/migrate_tenants.py [--tenants 200] [--skip-standard] [--keep-database]

In a database of its own (``bench_tenants`` on the same server as the project's, created
and dropped here), with a throwaway tenant app added (bench/migrate_tenants_settings.py),
it creates the tenant schemas, then times ``manage.py migrate_schemas --noinput`` in a
fresh process each time, as a deploy runs it (process start, system checks and the
public schema included):

- a deploy with nothing to apply,
- a deploy that adds a column to a tenant table,

once with the batched executor and once with django-tenants' standard one (which
adds a second column, so that both apply the same kind of change to the same number of
schemas). Each run is checked afterwards: the column is in every schema, or nothing
was recorded. Figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "bench.migrate_tenants_settings"
SAMPLE_TABLE = "bench_throwaway_sample"
RESULTS = ROOT / "bench-results"


@dataclass
class Measurement:
    what: str
    executor: str
    seconds: float


class Bench:
    def __init__(self, *, database: str, log: Any) -> None:
        self.database = database
        self.log = log
        self.server = server_settings()

    def connect(self, database: str) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.server["HOST"],
            port=self.server["PORT"] or None,
            user=self.server["USER"],
            password=self.server["PASSWORD"] or None,
            dbname=database,
            autocommit=True,
        )

    def create_database(self) -> None:
        with self.connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def drop_database(self) -> None:
        with self.connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *arguments: str, stage: str = "initial") -> float:
        """Run manage.py in a fresh process with the benchmark's settings; its wall-clock seconds."""
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "BENCH_DATABASE": self.database,
            "BENCH_MIGRATIONS": stage,
        }
        command = [sys.executable, str(ROOT / "manage.py"), *arguments]
        self.log.write(f"\n$ BENCH_MIGRATIONS={stage} {' '.join(command[1:])}\n")
        self.log.flush()
        started = time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT, check=True
        )
        return time.perf_counter() - started

    def tenant_schemas(self) -> list[str]:
        with self.connect(self.database) as db:
            return [name for (name,) in db.execute("SELECT schema_name FROM tenants_tenant ORDER BY 1")]

    def schemas_with_column(self, column: str) -> int:
        with self.connect(self.database) as db:
            ((count,),) = db.execute(
                "SELECT count(DISTINCT table_schema) FROM information_schema.columns"
                " WHERE table_name = %s AND column_name = %s",
                [SAMPLE_TABLE, column],
            ).fetchall()
            return int(count)

    def recorded_migrations(self) -> int:
        """django_migrations rows over public and every tenant schema."""
        schemas = ["public", *self.tenant_schemas()]
        query = " UNION ALL ".join(f'SELECT count(*) FROM "{name}".django_migrations' for name in schemas)
        with self.connect(self.database) as db:
            return sum(count for (count,) in db.execute(query))


def server_settings() -> dict[str, Any]:
    """Where the project's database server is (DATABASE_URL, else the embedded one, started if needed)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    from controlplane import settings

    return dict(settings.DATABASES["default"])


def migrate(bench: Bench, executor: str, stage: str) -> float:
    return bench.manage("migrate_schemas", "--noinput", f"--executor={executor}", stage=stage)


def run(*, tenants: int, with_standard: bool, keep_database: bool, database: str) -> list[Measurement]:
    RESULTS.mkdir(exist_ok=True)
    measurements: list[Measurement] = []
    with (RESULTS / "migrate_tenants.log").open("w") as log:
        bench = Bench(database=database, log=log)
        bench.create_database()
        try:
            bench.manage("migrate_schemas", "--shared", "--noinput", "-v", "0")
            measurements.append(
                Measurement("Django start and system checks (manage.py check)", "-", bench.manage("check"))
            )
            seconds = bench.manage(
                "shell",
                "-c",
                f"from tenants.pool import create_pooled_schemas; create_pooled_schemas({tenants})",
            )
            measurements.append(
                Measurement(f"create {tenants} tenant schemas (schema pool)", "batched", seconds)
            )
            assert len(bench.tenant_schemas()) == tenants

            recorded = bench.recorded_migrations()
            measurements.append(
                Measurement("deploy, nothing to apply", "batched", migrate(bench, "batched", "initial"))
            )
            assert bench.recorded_migrations() == recorded, "a no-op deploy recorded migrations"
            measurements.append(
                Measurement("deploy, add a column", "batched", migrate(bench, "batched", "added_column"))
            )
            assert bench.schemas_with_column("note") == tenants, "the added column is missing somewhere"

            if with_standard:
                recorded = bench.recorded_migrations()
                seconds = migrate(bench, "standard", "added_column")
                measurements.append(Measurement("deploy, nothing to apply", "standard", seconds))
                assert bench.recorded_migrations() == recorded, "a no-op deploy recorded migrations"
                seconds = migrate(bench, "standard", "second_column")
                measurements.append(Measurement("deploy, add a column", "standard", seconds))
                assert bench.schemas_with_column("code") == tenants, "the added column is missing somewhere"
        finally:
            if not keep_database:
                bench.drop_database()
    return measurements


def report(measurements: list[Measurement], *, tenants: int) -> str:
    lines = [
        f"migrate_schemas over {tenants} tenant schemas (+ public); each figure is one fresh process,",
        f"wall clock, on {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f} (indicative only).",
        "",
    ]
    for measurement in measurements:
        lines.append(f"  {measurement.what:<52} {measurement.executor:<9} {measurement.seconds:7.2f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--skip-standard", action="store_true", help="time the batched executor only")
    parser.add_argument("--keep-database", action="store_true", help="leave the benchmark database behind")
    parser.add_argument("--database", default="bench_tenants")
    arguments = parser.parse_args()

    measurements = run(
        tenants=arguments.tenants,
        with_standard=not arguments.skip_standard,
        keep_database=arguments.keep_database,
        database=arguments.database,
    )
    text = report(measurements, tenants=arguments.tenants)
    print(text)
    (RESULTS / "migrate_tenants.json").write_text(
        json.dumps(
            {
                "tenants": arguments.tenants,
                "cpus": os.cpu_count(),
                "measurements": [asdict(m) for m in measurements],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
