"""gunicorn settings for the web process (HTTP): sync workers behind the reverse proxy.

    gunicorn -c deploy/gunicorn.conf.py controlplane.wsgi:application

Why sync workers (figures from `make bench-tenants`, 2 cores): the storefront is
CPU-bound Python with short database round trips, so one request per process is
the cheapest model, and each worker keeps one persistent PostgreSQL connection
(CONN_MAX_AGE) for its whole life. Uvicorn ASGI workers served the same view at
a third to a half of the rate, spending about three times the CPU per request:
under ASGI a sync view runs in a thread of its own per request, and Django's
persistent connections do not hold there (with CONN_MAX_AGE they pile up until
PostgreSQL refuses more; without it every request connects anew). WebSockets go
to the separate asgi process (see Procfile); the proxy buffers slow clients, so
sync workers never wait on a slow network.

Every value can be changed from the environment without editing this file.
"""

from __future__ import annotations

import gc
import os

# Behind the proxy on the same machine; the proxy terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# One worker per core plus one, so a worker waiting on PostgreSQL never leaves a
# core idle (3 on the 2-core machines measured). WEB_CONCURRENCY is the usual knob.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
worker_class = "sync"

# A storefront page answers in milliseconds; a request still running after 30 s is
# stuck, and the worker is replaced rather than left holding a connection.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30

# Import the application once in the master and fork workers from it: a new or
# replaced worker then starts in milliseconds instead of re-importing Django (about a
# second of CPU each). Nothing connects to the database at import time, so no
# connection is shared across the fork. Code changes need a restart, not a HUP.
preload_app = True

# Recycling workers bounds slow memory growth, but each new worker starts with cold
# in-process caches (routes, themes: one miss per reseller) and a new PostgreSQL
# connection. Measured with 200 resellers, a recycle every 5,000 requests doubled the
# CPU per request of the run it fell into, so recycle rarely; the jitter keeps workers
# from restarting all at once. 0 turns recycling off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-* only from the proxy in front.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The proxy writes the access log; gunicorn logs errors only (a log line per request
# costs the sync worker measurable time).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "ticketing-web"


def when_ready(server: object) -> None:
    """Warm the preloaded app up in the master, once, before the first worker is forked.

    controlplane.warmup: the one-time set-up every worker would otherwise do on its first
    requests, about 120 ms of a fresh worker's first order.
    """
    from controlplane.warmup import warm_up_before_fork

    warm_up_before_fork()


def pre_fork(server: object, worker: object) -> None:
    """Move everything the preloaded (and warmed-up) app made into the collector's permanent
    generation.

    A full garbage collection otherwise walks those ~200,000 objects (Django, the URL
    conf, templates): measured in-process, a 96 ms pause once every thousand orders or so,
    a whole worker standing still, which is what a p99 latency sees; frozen, the longest
    pause was 4 ms and the collector's CPU per order fell by a third. It also spares the
    copy-on-write of the pages a collection would touch in every worker.
    """
    gc.freeze()


def post_worker_init(worker: object) -> None:
    """Open the worker's broker connection now rather than on its first order."""
    from controlplane.warmup import warm_up_in_worker

    warm_up_in_worker()
