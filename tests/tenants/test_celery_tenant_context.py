"""A Celery task runs in the schema of the tenant that queued it, over a real broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django_tenants.utils import schema_context
from tenant_schemas_celery.app import CeleryApp

from controlplane.celery import app
from tests.services import requires_rabbitmq, requires_redis
from tests.tenants import probe_tasks  # noqa: F401  (registers the probe task)


@pytest.fixture
def worker_on(request: pytest.FixtureRequest, db: None) -> Iterator[CeleryApp]:
    """An app configured like the project's (same settings, same tenant-aware task class) but
    on a real broker, with a worker consuming from it in this process."""
    broker, backend = request.param
    broker_app = CeleryApp("controlplane-real-broker", set_as_current=False)
    broker_app.config_from_object("django.conf:settings", namespace="CELERY")
    broker_app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    with broker_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)  # fail fast on a broker that is down
    with start_worker(broker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield broker_app
    # start_worker made the broker app the current and the default one; other threads (tests
    # with worker threads of their own) would otherwise queue on this broker after the test.
    app.set_current()
    app.set_default()


BROKERS = [
    pytest.param(
        ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"), marks=requires_redis, id="redis"
    ),
    pytest.param(
        ("amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/15"),
        marks=[requires_rabbitmq, requires_redis],
        id="rabbitmq",
    ),
]


@pytest.mark.parametrize("worker_on", BROKERS, indirect=True)
def test_task_runs_in_the_schema_of_the_tenant_that_queued_it(worker_on: CeleryApp) -> None:
    describe_schema = worker_on.tasks["tests.describe_schema"]
    with schema_context("acme"):
        from_acme = describe_schema.delay()
    with schema_context("bravo"):
        from_bravo = describe_schema.delay()
    from_public = describe_schema.delay()

    assert from_acme.get(timeout=20) == {"schema": "acme", "events": ["Acme Jazz Night"]}
    assert from_bravo.get(timeout=20) == {"schema": "bravo", "events": ["Bravo Sommerfest"]}
    assert from_public.get(timeout=20) == {"schema": "public", "events": []}


@pytest.mark.parametrize("worker_on", BROKERS[:1], indirect=True)
def test_many_interleaved_tasks_never_cross_tenants(worker_on: CeleryApp) -> None:
    describe_schema = worker_on.tasks["tests.describe_schema"]
    results = []
    for n in range(30):
        schema = "acme" if n % 2 else "bravo"
        with schema_context(schema):
            results.append((schema, describe_schema.delay()))

    for schema, result in results:
        assert result.get(timeout=30)["schema"] == schema


def test_eager_tasks_also_run_in_the_queuing_tenants_schema(db: None) -> None:
    assert app.conf.task_always_eager  # no broker configured for the suite
    with schema_context("bravo"):
        assert app.tasks["tests.describe_schema"].delay().get() == {
            "schema": "bravo",
            "events": ["Bravo Sommerfest"],
        }
