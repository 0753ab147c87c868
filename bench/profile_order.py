"""CPU per order on the one-page checkout, measured in-process (`make bench-profile`).

Where `make bench` needs a quiet machine (it measures throughput), this needs none: it places
orders through Django's test client against the bench shop, exactly as wrk's requests look
(form-encoded body, CSRF cookie and token checked), and counts CPU time, not wall time:

- Django: this process's CPU clock per order;
- PostgreSQL: the CPU of this connection's backend process per order (from /proc, so the
  database must run on this machine, as the embedded one does);
- statements: the round trips of one order, listed with ``--sql``.

``--api`` places the orders through the REST API instead (``POST /api/v1/orders/`` with an API
key and an Idempotency-Key, as the API rush of ``make bench`` does).

The test client skips the per-request connection bookkeeping of a real server; this tool runs
it (``close_old_connections``) before each order, so CONN_HEALTH_CHECKS costs what it costs
under gunicorn. After-commit Celery publishes go to a Redis database of their own
(PROFILE_REDIS_URL) and are purged at the end.

    .venv/bin/python bench/profile_order.py [ORDERS] [--prof cumulative|tottime] [--sql] [--api]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
REDIS_URL = os.environ.get("PROFILE_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.update(
    DJANGO_SETTINGS_MODULE="controlplane.settings",
    DEBUG="0",
    LOG_LEVEL="WARNING",
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    CONN_MAX_AGE="600",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    # As in `make bench`: one client with one key, so the API's rate limits must not be what is measured.
    API_RATE_LIMIT_PER_MINUTE="100000000",
    API_RATE_LIMIT_PER_MINUTE_PER_IP="100000000",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

CSRF = "profileprofileprofileprofile1234"  # cookie and form token, 32 characters as Django accepts


def backend_cpu_seconds(pid: int) -> float:
    """utime + stime of a PostgreSQL backend process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checkout() -> Callable[[], None]:
    """A fresh bench event, warmed up; gives a function placing one order as wrk's requests do."""
    out = io.StringIO()
    call_command("bench_onsale", "prepare", "--capacity", "1000000", stdout=out)
    env = dict(line.split("=", 1) for line in out.getvalue().split())
    client = Client(HTTP_HOST=env["BENCH_HOST"], enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF
    url = f"/events/{env['BENCH_EVENT']}/buy/"
    connection.close()
    client.get(f"/events/{env['BENCH_EVENT']}/")
    counter = 0

    def order() -> None:
        nonlocal counter
        counter += 1
        close_old_connections()  # what request_started does under a real server
        body = (
            f"csrfmiddlewaretoken={CSRF}&ticket_{env['BENCH_TICKET_TYPE']}={1 + counter % 2}"
            f"&name=Buyer+{counter}&email=buyer{counter}%40bench.example&payment_method=pay_later"
        )
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        close_old_connections()  # request_finished
        assert response.status_code == 302, (response.status_code, response.content[:500])

    for _ in range(50):  # warm up: imports, caches, the connection
        order()
    return order


def api_order() -> Callable[[], None]:
    """A fresh bench event and API key; gives a function placing one order as the API rush does."""
    out = io.StringIO()
    call_command("bench_onsale", "prepare", "--capacity", "1000000", stdout=out)
    env = dict(line.split("=", 1) for line in out.getvalue().split())
    out = io.StringIO()
    call_command("bench_api", "--event", env["BENCH_EVENT"], stdout=out)
    env.update(dict(line.split("=", 1) for line in out.getvalue().split()))
    client = Client(HTTP_HOST=env["BENCH_HOST"], HTTP_AUTHORIZATION=f"Bearer {env['BENCH_API_KEY']}")
    connection.close()
    counter = 0

    def order() -> None:
        nonlocal counter
        counter += 1
        close_old_connections()  # what request_started does under a real server
        body = {
            "event": int(env["BENCH_API_EVENT_ID"]),
            "tickets": [{"ticket_type": int(env["BENCH_TICKET_TYPE"]), "quantity": 1 + counter % 2}],
            "buyer": {"name": f"Buyer {counter}", "email": f"buyer{counter}@bench.example"},
        }
        response = client.post(
            "/api/v1/orders/",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"profile-{counter}",
        )
        close_old_connections()  # request_finished
        assert response.status_code == 201, (response.status_code, response.content[:500])

    for _ in range(50):  # warm up: imports, caches, the connection
        order()
    return order


def cpu_per_order(order: Callable[[], None], orders: int) -> tuple[float, float]:
    """Django's and PostgreSQL's CPU per order, in milliseconds, over ``orders`` orders."""
    backend_pid = connection.connection.info.backend_pid
    django_start, pg_start = time.process_time(), backend_cpu_seconds(backend_pid)
    for _ in range(orders):
        order()
    django_ms = (time.process_time() - django_start) / orders * 1000
    pg_ms = (backend_cpu_seconds(backend_pid) - pg_start) / orders * 1000
    return django_ms, pg_ms


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("orders", nargs="?", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="measure this many times; best and median")
    parser.add_argument("--prof", choices=["cumulative", "tottime"], help="profile 300 orders (CPU clock)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one order")
    parser.add_argument("--api", action="store_true", help="order through POST /api/v1/orders/ instead")
    args = parser.parse_args()

    from controlplane.celery import app as celery_app

    order = api_order() if args.api else checkout()
    rounds = []
    for _ in range(args.rounds):
        django_ms, pg_ms = cpu_per_order(order, args.orders)
        rounds.append((django_ms + pg_ms, django_ms, pg_ms))
    rounds.sort()
    with CaptureQueriesContext(connection) as queries:
        order()
    best, median = rounds[0], rounds[len(rounds) // 2]
    print(f"{args.orders} orders x {args.rounds} rounds; CPU per order (best / median round):")
    print(f"  Django      {best[1]:.2f} / {median[1]:.2f} ms")
    print(f"  PostgreSQL  {best[2]:.2f} / {median[2]:.2f} ms")
    print(f"  together    {best[0]:.2f} / {median[0]:.2f} ms")
    # The health check's SELECT 1 goes straight to psycopg, past Django's query log.
    health_check = 1 if connection.settings_dict["CONN_HEALTH_CHECKS"] else 0
    statements = len(queries.captured_queries) + health_check
    print(f"  statements  {statements} per order ({health_check} of them the connection health check)")
    if args.sql:
        for query in queries.captured_queries:
            print("   ", " ".join(query["sql"].split())[:400])
    if args.prof:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(300):
            order()
        profile.disable()
        pstats.Stats(profile).sort_stats(args.prof).print_stats(60)
    celery_app.control.purge()


if __name__ == "__main__":
    main()
