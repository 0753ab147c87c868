"""Tenant scaling benchmark: provisioning time and storefront latency, 1 vs N resellers.

    make bench-tenants                      # 200 tenants, about five minutes
    make bench-tenants BENCH_ARGS=--quick   # 20 tenants, short wrk runs, about a minute
    BENCH_REDIS_URL=none make bench-tenants # in-process caches instead of Redis

A benchmark, not a test: it prints figures and writes them to bench-results/ as JSON;
it stops with an error only when something breaks (an error response, a failed
provisioning), never because a figure misses its target.

Everything runs against a database of its own (``bench_tenants``, dropped at the end)
on the embedded PostgreSQL server, or on the server of DATABASE_URL when that is set.
Every Django process is started the way the real ones are, with production-like
settings from the environment (DEBUG off, persistent connections, a broker to queue on,
and Redis for the shared caches when one answers on BENCH_REDIS_URL, by default
redis://127.0.0.1:6379/14; the run deletes the keys it made, and only those):

1. Provisioning through tenants.services.provision_tenant in one long-lived process,
   N resellers in a row, each timed: from a pre-filled pool (filled untimed), then with
   an empty pool (each one migrates a new schema).
2. The storefront ("/") under wrk on the production layout (gunicorn sync workers,
   deploy/gunicorn.conf.py): one reseller alone in the database, then N resellers,
   alternating runs on one host and on all N hosts (bench/rotate_hosts.lua rotates the
   Host header), then the same load on gunicorn without persistent connections and on
   uvicorn ASGI workers.

Wall-clock figures on a machine shared with others move with their load, so beside
them the benchmark reports CPU time per request and per provisioning (our processes
plus the PostgreSQL server, read from /proc): the figure that shows whether the 200th
tenant costs more than the first, whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench-results"
DATABASE = "bench_tenants"
BASE_DOMAIN = "localhost"
EVENTS_PER_SHOP = 3
FLATNESS_TARGET = 0.10  # storefront latency with N tenants within 10 % of one tenant
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- CPU time


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; everything after its ")" splits cleanly.
    return text[text.rindex(")") + 2 :].split()


def tree_cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) of a process, its live descendants and the children they reaped."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _proc_stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, pending, seen = 0, [root], False
    while pending:
        pid = pending.pop()
        fields = _proc_stat(pid)
        if fields is None:
            continue
        seen = True
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name.
        total += sum(int(value) for value in fields[11:15])
        pending.extend(parents.get(pid, []))
    return total / CLOCK_TICKS if seen else None


def postmaster_pid(backend_pid: int) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine and /proc shows it.

    Ask while the backend's connection is open: a closed connection's backend is gone.
    """
    fields = _proc_stat(backend_pid)
    return int(fields[1]) if fields else None


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all processes, everyone's), from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().split(maxsplit=11)[1:9]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / CLOCK_TICKS


def others_share(busy: float, ours: float, elapsed: float) -> float:
    """The share of the machine's CPUs used by other people's work while we measured."""
    return round(max(0.0, busy - ours) / (elapsed * (os.cpu_count() or 1)), 3)


@dataclass
class CpuMeter:
    """CPU seconds spent by a set of process trees between two readings."""

    roots: dict[str, int | None]

    def read(self) -> dict[str, float | None]:
        return {name: tree_cpu_seconds(pid) if pid else None for name, pid in self.roots.items()}

    @staticmethod
    def spent(before: dict[str, float | None], after: dict[str, float | None]) -> dict[str, float | None]:
        return {
            name: (after[name] - start) if start is not None and after[name] is not None else None  # type: ignore[operator]
            for name, start in before.items()
        }


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 200 values is the 198th smallest)."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(round(fraction * len(ordered), 6))))
    return ordered[rank - 1]


def window_medians(values: list[float], window: int = 20) -> tuple[float, float]:
    window = min(window, len(values))
    return statistics.median(values[:window]), statistics.median(values[-window:])


def provisioning_summary(samples: list[dict[str, float | None]]) -> dict[str, Any]:
    wall = [sample["wall_s"] * 1000 for sample in samples]  # type: ignore[operator]
    first, last = window_medians(wall)
    summary: dict[str, Any] = {
        "count": len(wall),
        "p50_ms": round(percentile(wall, 0.50), 1),
        "p99_ms": round(percentile(wall, 0.99), 1),
        "max_ms": round(max(wall), 1),
        "first_window": min(20, len(wall)),
        "first_median_ms": round(first, 1),
        "last_median_ms": round(last, 1),
        "cpu_first_mean_ms": None,
        "cpu_last_mean_ms": None,
        "samples": samples,
    }
    if all(sample["postgres_cpu_s"] is not None for sample in samples):
        cpu = [(sample["python_cpu_s"] + sample["postgres_cpu_s"]) * 1000 for sample in samples]  # type: ignore[operator]
        # Means, not medians: /proc counts CPU in clock ticks (10 ms), coarser than one
        # provisioning from the pool; over 20 of them the ticks average out.
        window = min(20, len(cpu))
        summary["cpu_first_mean_ms"] = round(statistics.fmean(cpu[:window]), 1)
        summary["cpu_last_mean_ms"] = round(statistics.fmean(cpu[-window:]), 1)
    return summary


# --------------------------------------------------------------------------- database


def server_connection() -> tuple[dict[str, str], str]:
    """Connection parameters of the PostgreSQL server to use, and the bench database's URL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlparse(url)
        params = {
            "host": parts.hostname or "",
            "port": str(parts.port or ""),
            "user": parts.username or "",
            "password": parts.password or "",
        }
        return params, urlunparse(parts._replace(path=f"/{DATABASE}"))
    from controlplane.embedded_postgres import database_settings, default_data_dir

    embedded = database_settings(default_data_dir())
    params = {"host": embedded["HOST"], "port": embedded["PORT"], "user": embedded["USER"], "password": ""}
    # The embedded server listens on a Unix socket only, which the URL form read by
    # settings cannot name: the host stays empty and libpq takes it from PGHOST/PGPORT.
    return params, f"postgresql://{params['user']}@/{DATABASE}"


def admin_sql(params: dict[str, str], *statements: str, then: Callable[[Any], Any] | None = None) -> Any:
    """Run statements on the server's maintenance database (autocommit); returns all rows.

    With ``then``, returns ``then(first value)`` computed before the connection closes.
    """
    import psycopg
    from psycopg.conninfo import make_conninfo

    rows: list[Any] = []
    connect = {key: value for key, value in params.items() if value}
    # Any: the statements are built here from our own constants, not LiteralString literals.
    conn: Any = psycopg.connect(make_conninfo(dbname="postgres", **connect), autocommit=True)
    with conn:
        for statement in statements:
            cursor = conn.execute(statement)
            if cursor.description:
                rows.extend(cursor.fetchall())
        if then is not None:
            return then(rows[0][0])
    return rows


def bench_connections(params: dict[str, str]) -> int:
    rows = admin_sql(params, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DATABASE}'")
    return int(rows[0][0])


def child_environment(params: dict[str, str], database_url: str, redis_url: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "GUNICORN_"))
        and key not in {"REDIS_URL", "DEBUG", "DATABASE_URL", "CONN_MAX_AGE", "WEB_CONCURRENCY"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "controlplane.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "PLATFORM_HOST": "localhost",
            "PLATFORM_BASE_DOMAIN": BASE_DOMAIN,
            # Mail goes through Celery to SMTP in production; here it stays in memory.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # Tasks go to an in-process broker that no worker reads: the request side pays
            # for the enqueue, as in production, while the pool top-up and the invitation
            # e-mail (a worker's job there) stay out of the timings.
            "CELERY_BROKER_URL": "memory://localhost/",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        }
    )
    if not urlparse(database_url).hostname:
        environment.update({"PGHOST": params["host"], "PGPORT": params["port"]})
    if redis_url:  # production's shared cache (routes, themes) and channel layer
        environment["REDIS_URL"] = redis_url
    return environment


def bench_redis_url() -> str:
    """Redis as production has it, when one answers; BENCH_REDIS_URL=none runs without."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    if url.lower() in {"", "none", "off"}:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        print(f"(no Redis at {url}: in-process caches instead, as without REDIS_URL)", flush=True)
        return ""
    return url


def forget_cached_routes(redis_url: str, schemas: list[str]) -> None:
    """Delete this run's cached routes and themes by name (the Redis may be shared with others).

    Schemas and hostnames repeat from run to run, and a route cached by an earlier run
    would carry a tenant row of a database that has been dropped since.
    """
    if not redis_url:
        return
    import redis

    keys = [f"routing:1:host:{schema}.{BASE_DOMAIN}" for schema in schemas]
    keys += [f"{schema}::1:branding:theme" for schema in schemas]  # django_tenants.cache.make_key
    client = redis.Redis.from_url(redis_url)
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def run_child(environment: dict[str, str], *arguments: str) -> dict[str, Any]:
    """Run this script's Django part in a fresh process; returns the JSON it writes."""
    result_file = RESULTS / f".child-{os.getpid()}.json"
    command = [sys.executable, __file__, "child", "--result", str(result_file), *arguments]
    subprocess.run(command, env=environment, cwd=ROOT, check=True)
    try:
        return dict(json.loads(result_file.read_text()))
    finally:
        result_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------- Django side


def child_main(arguments: list[str]) -> None:
    """The Django side, run in its own process with the bench database's settings."""
    parser = argparse.ArgumentParser(prog="bench_tenants.py child")
    parser.add_argument("--result", required=True)
    parser.add_argument("action", choices=["setup", "provision"])
    parser.add_argument("--prefix", default="t")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--pool", action="store_true", help="pre-fill the pool (untimed) first")
    parser.add_argument("--warm-up", action="store_true", help="provision one reseller untimed first")
    options = parser.parse_args(arguments)

    import django

    django.setup()
    from django.core.management import call_command

    result: dict[str, Any] = {}
    if options.action == "setup":
        from tenants.services import ensure_platform_tenant

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        ensure_platform_tenant(hostnames=["localhost"])
    else:
        result = provision_many(
            prefix=options.prefix, count=options.count, pool=options.pool, warm_up=options.warm_up
        )
    Path(options.result).write_text(json.dumps(result))


def provision_many(*, prefix: str, count: int, pool: bool, warm_up: bool) -> dict[str, Any]:
    """Provision ``count`` resellers in a row through the real service, timing each one."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenants import pool as schema_pool
    from tenants.services import provision_tenant
    from ticketing.catalog.models import Event

    spares = count + (1 if warm_up else 0)
    fill_seconds = 0.0
    if pool:
        started = time.perf_counter()
        schema_pool.create_pooled_schemas(spares - schema_pool.pooled_count())
        fill_seconds = time.perf_counter() - started
    elif schema_pool.pooled_count():
        raise SystemExit("the pool must be empty to provision without it")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    postgres = CpuMeter({"postgres": postmaster_pid(backend)})

    def provision(slug: str) -> bool:
        result = provision_tenant(name=f"Shop {slug.upper()}", slug=slug, owner_email=f"owner@{slug}.example")
        return result.from_pool

    if warm_up:  # imports, template and migration loading: once per process, not per tenant
        provision(f"{prefix}warmup")
    samples: list[dict[str, float | None]] = []
    busy_before, loop_started = machine_busy_seconds(), time.perf_counter()
    for number in range(1, count + 1):
        postgres_before, python_before = postgres.read(), time.process_time()
        started = time.perf_counter()
        from_pool = provision(f"{prefix}{number:03d}")
        wall = time.perf_counter() - started
        python_cpu = time.process_time() - python_before
        postgres_cpu = CpuMeter.spent(postgres_before, postgres.read())["postgres"]
        if from_pool != pool:
            raise SystemExit(f"{prefix}{number:03d} was provisioned {'without' if pool else 'from'} the pool")
        samples.append({"wall_s": wall, "python_cpu_s": python_cpu, "postgres_cpu_s": postgres_cpu})
    ours = sum((sample["python_cpu_s"] or 0) + (sample["postgres_cpu_s"] or 0) for sample in samples)
    others = others_share(machine_busy_seconds() - busy_before, ours, time.perf_counter() - loop_started)

    # Something for each storefront to list (not timed).
    start = timezone.now().replace(microsecond=0) + timedelta(days=7)
    for number in range(1, count + 1):
        with schema_context(f"{prefix}{number:03d}"):
            Event.objects.bulk_create(
                Event(
                    name=f"Event {index} of {prefix}{number:03d}",
                    slug=f"event-{index}",
                    status=Event.Status.PUBLISHED,
                    starts_at=start + timedelta(days=index),
                    ends_at=start + timedelta(days=index, hours=3),
                )
                for index in range(1, EVENTS_PER_SHOP + 1)
            )
    return {"samples": samples, "pool_fill_s": fill_seconds, "others_cpu_share": others}


# --------------------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def http_server(kind: str, environment: dict[str, str], workers: int) -> Iterator[tuple[str, int]]:
    """Start gunicorn (deploy/gunicorn.conf.py) or uvicorn; yields its base URL and process id."""
    port = free_port()
    if kind == "gunicorn":
        config = str(ROOT / "deploy" / "gunicorn.conf.py")
        command = [str(BIN / "gunicorn"), "--config", config, "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(workers), "controlplane.wsgi:application"]
    else:
        command = [str(BIN / "uvicorn"), "controlplane.asgi:application", "--host", "127.0.0.1"]
        command += [
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    server = subprocess.Popen(command, env=environment, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"{kind} exited with {server.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"{kind} did not start listening on port {port}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def check_storefronts(base_url: str, hosts: list[str]) -> None:
    """A few plain requests before the load: each host answers 200 with its own shop."""
    for host in sorted({hosts[0], hosts[len(hosts) // 2], hosts[-1]}):
        request = urllib.request.Request(f"{base_url}/", headers={"Host": host})  # noqa: S310
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # http, our own server
                    body = response.read().decode()
                break
            except OSError:  # workers still booting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        slug = host.split(".")[0]
        if f"Shop {slug.upper()}" not in body or f"Event 1 of {slug}" not in body:
            raise SystemExit(f"{host} did not serve its own storefront:\n{body[:500]}")


def wrk(base_url: str, hosts_file: Path, *, seconds: float, connections: int) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "rotate_hosts.lua"), base_url, "--", str(hosts_file)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = dict(json.loads(output.strip().splitlines()[-1]))
    errors = summary["errors"]
    if errors["status"] or errors["connect"] or errors["timeout"]:
        raise SystemExit(f"wrk saw errors: {errors}\n{output}")
    return summary


@dataclass
class Load:
    label: str
    hosts: list[str]


def serve_and_measure(
    kind: str,
    environment: dict[str, str],
    loads: list[Load],
    options: argparse.Namespace,
    params: dict[str, str],
    postgres_pid: int | None,
    *,
    rounds: int,
) -> list[dict[str, Any]]:
    """One server; after a warm-up, ``rounds`` rounds that run each load in turn."""
    runs: dict[str, list[dict[str, Any]]] = {load.label: [] for load in loads}
    widest = max(loads, key=lambda load: len(load.hosts))
    files = {}
    for index, load in enumerate(loads):
        files[load.label] = RESULTS / f".hosts-{os.getpid()}-{index}.txt"
        files[load.label].write_text("\n".join(load.hosts) + "\n")
    try:
        with http_server(kind, environment, options.workers) as (base_url, server_pid):
            check_storefronts(base_url, widest.hosts)
            # Warm every worker up: imports, templates, connections, routing and theme caches.
            wrk(
                base_url,
                files[widest.label],
                seconds=options.warm_up_seconds,
                connections=options.connections,
            )
            meter = CpuMeter({"server": server_pid, "postgres": postgres_pid})
            for _ in range(rounds):
                for load in loads:
                    before, busy, started = meter.read(), machine_busy_seconds(), time.perf_counter()
                    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it is reaped
                    run = wrk(
                        base_url, files[load.label], seconds=options.seconds, connections=options.connections
                    )
                    spent = meter.spent(before, meter.read())
                    busy, elapsed = machine_busy_seconds() - busy, time.perf_counter() - started
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    wrk_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                    run["cpu_ms_per_request"] = {
                        name: round(seconds * 1000 / run["requests"], 3) if seconds is not None else None
                        for name, seconds in spent.items()
                    }
                    ours = wrk_cpu + sum(seconds or 0.0 for seconds in spent.values())
                    run["others_cpu_share"] = others_share(busy, ours, elapsed)
                    runs[load.label].append(run)
            time.sleep(1)  # requests that were in flight when wrk stopped
            open_connections = bench_connections(params)
    finally:
        for path in files.values():
            path.unlink(missing_ok=True)

    rows = []
    for load in loads:
        best = max(runs[load.label], key=lambda run: run["requests_per_s"])
        cpu = {
            name: statistics.median(value)
            if None not in (value := [run["cpu_ms_per_request"][name] for run in runs[load.label]])
            else None
            for name in ("server", "postgres")
        }
        row = {
            "label": load.label,
            "server": kind,
            "workers": options.workers,
            "conn_max_age": environment.get("CONN_MAX_AGE", "600 (settings default)"),
            "hosts": len(load.hosts),
            "requests_per_s": best["requests_per_s"],
            "latency_ms": best["latency_ms"],
            "cpu_ms_per_request": cpu,
            "others_cpu_share": statistics.median(run["others_cpu_share"] for run in runs[load.label]),
            "db_connections_after": open_connections,
            "runs": runs[load.label],
        }
        print(f"  {format_http_row(row)}", flush=True)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- report


def _cpu_total(row: dict[str, Any]) -> float | None:
    cpu = row["cpu_ms_per_request"]
    return None if None in cpu.values() else cpu["server"] + cpu["postgres"]


def format_http_row(row: dict[str, Any]) -> str:
    latency, cpu = row["latency_ms"], row["cpu_ms_per_request"]
    total = _cpu_total(row)
    cpu_text = f"{total:.2f} ({cpu['server']:.2f} + {cpu['postgres']:.2f})" if total is not None else "n/a"
    return (
        f"{row['label']:<42}{row['requests_per_s']:>6.0f}{latency['p50']:>8.2f}{latency['p99']:>8.2f}"
        f"   {cpu_text:<21}{row['others_cpu_share']:>6.0%}{row['db_connections_after']:>7}"
    )


def _change(new: float | None, old: float | None) -> str:
    return f"{new / old - 1:+.1%}" if new is not None and old else "n/a"


def print_report(results: dict[str, Any], options: argparse.Namespace) -> None:
    count = options.tenants
    machine = results["machine"]
    print(
        f"\nTenant scaling, {count} tenants, {machine['cpus']} CPUs, load average "
        f"{machine['load_average_at_start'][0]:.1f} at start and "
        f"{machine['load_average_at_end'][0]:.1f} at end; routes and themes cached in {results['caches']}"
    )
    print(
        "Wall-clock figures move with whatever else runs on the machine (column 'others': the share of\n"
        "all CPUs that other processes used meanwhile); CPU time per operation (ours + PostgreSQL's) moves\n"
        "much less, and on an idle machine it is what latency and throughput follow."
    )
    print("\nProvisioning through tenants.services.provision_tenant, one process, in a row (ms)")
    print(
        f"  {'':<24}{'p50':>7}{'p99':>7}{'max':>7}   {'median first 20 / last 20':<27}"
        f"{'CPU mean first / last 20':<26}{'others':>6}   target"
    )
    for key, label, target in (
        ("provisioning_pool", "from the pool", 100),
        ("provisioning_migrate", "without pool (migrate)", 2000),
    ):
        if not (row := results.get(key)):
            continue
        wall = f"{row['first_median_ms']:.1f} / {row['last_median_ms']:.1f}"
        cpu = "n/a"
        if row["cpu_first_mean_ms"] is not None:
            cpu = f"{row['cpu_first_mean_ms']:.1f} / {row['cpu_last_mean_ms']:.1f}"
        verdict = "met" if row["p99_ms"] < target else "MISSED"
        print(
            f"  {label:<24}{row['p50_ms']:>7.1f}{row['p99_ms']:>7.1f}{row['max_ms']:>7.1f}   "
            f"{wall:<27}{cpu:<26}{row['others_cpu_share']:>6.0%}   p99 < {target}: {verdict}"
        )
    if "provisioning_pool" in results:
        print(
            f"  (the pool of {count + 1} spare schemas was filled beforehand in "
            f"{results['provisioning_pool']['pool_fill_s']:.0f} s, untimed; one more reseller "
            "was provisioned untimed first in each process)"
        )

    print(
        f"\nStorefront GET / under wrk -t2 -c{options.connections}, {options.seconds:.0f} s runs, "
        f"{options.workers} workers: best run's req/s and latency (ms), median CPU ms per request"
    )
    print(f"  {'':<42}{'req/s':>6}{'p50':>8}{'p99':>8}   {'CPU (web + db)':<21}{'others':>6}{'conns':>7}")
    for row in results["http"]:
        print(f"  {format_http_row(row)}")

    rows = {row["label"]: row for row in results["http"]}
    alone, _, spread, no_reuse, uvicorn = (rows[label] for label in http_labels(count))
    flatness = results["flatness"]
    print(f"\n  {count} hosts rotating vs 1 host, target: latency within 10 %")
    print(
        f"    runs interleaved, median of {flatness['pairs']} paired runs: "
        f"p50 {flatness['p50_change']:+.1%} ({'met' if flatness['met'] else 'MISSED'}), "
        f"p99 {flatness['p99_change']:+.1%}, CPU per request {flatness['cpu_change']:+.1%}"
    )
    print(
        f"    vs the tenant alone in its database (measured earlier): p50 "
        f"{_change(spread['latency_ms']['p50'], alone['latency_ms']['p50'])}, CPU per request "
        f"{_change(_cpu_total(spread), _cpu_total(alone))}"
    )
    print("\n  gunicorn sync vs uvicorn ASGI, same view, same load:")
    print(
        f"    as each would run (gunicorn with persistent connections, uvicorn without): "
        f"{spread['requests_per_s'] / uvicorn['requests_per_s']:.1f}x the throughput, "
        f"CPU per request {_cpu_total(spread) or 0:.2f} vs {_cpu_total(uvicorn) or 0:.2f} ms"
    )
    print(
        f"    both without persistent connections: "
        f"{no_reuse['requests_per_s'] / uvicorn['requests_per_s']:.1f}x, "
        f"CPU per request {_cpu_total(no_reuse) or 0:.2f} vs {_cpu_total(uvicorn) or 0:.2f} ms"
    )
    print(
        f"  persistent connections on gunicorn: {spread['requests_per_s'] / no_reuse['requests_per_s']:.1f}x "
        f"the throughput, CPU per request {_cpu_total(spread) or 0:.2f} vs {_cpu_total(no_reuse) or 0:.2f} ms"
    )


def paired_flatness(one_host: dict[str, Any], spread: dict[str, Any]) -> dict[str, Any]:
    """N hosts vs 1 host from runs made side by side, so both saw the same background load."""
    pairs = list(zip(one_host["runs"], spread["runs"], strict=True))

    def median_change(value: Callable[[dict[str, Any]], float | None]) -> float:
        ratios = [b / a - 1 for a, b in ((value(x), value(y)) for x, y in pairs) if a and b is not None]
        return round(statistics.median(ratios), 4) if ratios else math.nan

    p50 = median_change(lambda run: run["latency_ms"]["p50"])
    return {
        "pairs": len(pairs),
        "p50_change": p50,
        "p99_change": median_change(lambda run: run["latency_ms"]["p99"]),
        "cpu_change": median_change(
            lambda run: (
                None
                if None in run["cpu_ms_per_request"].values()
                else sum(run["cpu_ms_per_request"].values())
            )
        ),
        "met": p50 <= FLATNESS_TARGET,  # slower by at most 10 % (faster is fine)
    }


def http_labels(count: int) -> list[str]:
    return [
        "gunicorn sync, 1 tenant alone",
        f"gunicorn sync, 1 host of {count}",
        f"gunicorn sync, {count} hosts rotating",
        f"gunicorn sync, {count} hosts, CONN_MAX_AGE=0",
        f"uvicorn ASGI, {count} hosts, CONN_MAX_AGE=0",
    ]


# --------------------------------------------------------------------------- main


def measure(
    options: argparse.Namespace, params: dict[str, str], environment: dict[str, str], results: dict[str, Any]
) -> None:
    count = options.tenants
    labels = http_labels(count)
    results["postgres"] = admin_sql(params, "SELECT version()")[0][0]
    postgres_pid = admin_sql(params, "SELECT pg_backend_pid()", then=postmaster_pid)
    http: list[dict[str, Any]] = []
    results["http"] = http

    print(f"Setting up the {DATABASE} database ...", flush=True)
    run_child(environment, "setup")

    print("Storefront with one reseller alone in the database ...", flush=True)
    run_child(environment, "provision", "--prefix", "solo", "--count", "1")
    alone = [Load(labels[0], [f"solo001.{BASE_DOMAIN}"])]
    http += serve_and_measure(
        "gunicorn", environment, alone, options, params, postgres_pid, rounds=options.rounds
    )

    print(f"Provisioning {count} resellers from the pool (filled first, untimed) ...", flush=True)
    pooled = run_child(
        environment, "provision", "--prefix", "p", "--count", str(count), "--pool", "--warm-up"
    )
    results["provisioning_pool"] = {
        **provisioning_summary(pooled["samples"]),
        "pool_fill_s": pooled["pool_fill_s"],
        "others_cpu_share": pooled["others_cpu_share"],
    }

    print(f"Storefront with {count} resellers ...", flush=True)
    hosts = [f"p{number:03d}.{BASE_DOMAIN}" for number in range(1, count + 1)]
    loads = [Load(labels[1], hosts[:1]), Load(labels[2], hosts)]
    http += serve_and_measure(
        "gunicorn", environment, loads, options, params, postgres_pid, rounds=options.rounds
    )
    results["flatness"] = paired_flatness(http[-2], http[-1])
    no_reuse = {**environment, "CONN_MAX_AGE": "0"}
    loads = [Load(labels[3], hosts)]
    http += serve_and_measure("gunicorn", no_reuse, loads, options, params, postgres_pid, rounds=1)
    # Under ASGI each request runs in a thread of its own with its own connection: with
    # CONN_MAX_AGE they pile up until PostgreSQL refuses more, so uvicorn runs without.
    loads = [Load(labels[4], hosts)]
    http += serve_and_measure("uvicorn", no_reuse, loads, options, params, postgres_pid, rounds=1)

    if not options.skip_migrate:
        print(f"Provisioning {count} resellers without the pool (each migrates a schema) ...", flush=True)
        migrated = run_child(environment, "provision", "--prefix", "m", "--count", str(count), "--warm-up")
        results["provisioning_migrate"] = {
            **provisioning_summary(migrated["samples"]),
            "others_cpu_share": migrated["others_cpu_share"],
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=200, help="resellers per run (default 200)")
    parser.add_argument("--quick", action="store_true", help="20 tenants, short wrk runs: for development")
    parser.add_argument("--seconds", type=float, default=6, help="length of each wrk run (default 6)")
    parser.add_argument("--warm-up-seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=4, help="runs per load, alternating (default 4)")
    parser.add_argument("--connections", type=int, default=6, help="wrk connections, closed loop (default 6)")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn/uvicorn worker processes (default 3)"
    )
    parser.add_argument("--skip-migrate", action="store_true", help="skip provisioning without the pool")
    parser.add_argument("--keep-database", action="store_true", help=f"leave the {DATABASE} database behind")
    options = parser.parse_args()
    if options.quick:
        options.tenants = min(options.tenants, 20)
        options.seconds = min(options.seconds, 3)
        options.warm_up_seconds = min(options.warm_up_seconds, 1)
        options.rounds = min(options.rounds, 2)
    if not 1 <= options.tenants <= 999:
        parser.error("--tenants must be between 1 and 999")

    RESULTS.mkdir(exist_ok=True)
    params, database_url = server_connection()
    redis_url = bench_redis_url()
    schemas = ["solo001"] + [
        f"{prefix}{suffix}"
        for prefix in "pm"
        for suffix in ["warmup"] + [f"{number:03d}" for number in range(1, options.tenants + 1)]
    ]
    forget_cached_routes(redis_url, schemas)
    admin_sql(params, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}")
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "options": vars(options),
        "caches": "Redis" if redis_url else "in-process (LocMemCache)",
    }
    try:
        measure(options, params, child_environment(params, database_url, redis_url), results)
    finally:
        forget_cached_routes(redis_url, schemas)
        results["machine"]["load_average_at_end"] = os.getloadavg()
        if not options.keep_database:
            admin_sql(params, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    output = RESULTS / f"tenants-{datetime.now():%Y%m%dT%H%M%S}.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results, options)
    print(f"\nAll figures and samples: {output.relative_to(ROOT)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child_main(sys.argv[2:])
    else:
        main()
