"""Each shop's events go to that shop's endpoints only, the relay runs in the schema of the shop
that queued it (real Redis and a real worker), and events written while no worker ran are
delivered by the beat sweep."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.db import connection as default_connection
from django_tenants.utils import schema_context, tenant_context
from tenant_schemas_celery.app import CeleryApp

from api.webhooks.models import Delivery, WebhookEndpoint
from api.webhooks.services import create_endpoint, deliver_due, relay_outbox
from api.webhooks.tasks import sweep_everywhere
from controlplane.celery import app
from core import side_effects
from tenants.context import current_schema_name
from tenants.models import Tenant
from tests.services import requires_redis
from ticketing.outbox.models import OutboxEvent
from ticketing.tickets.models import ConfirmationDue

from .conftest import buy
from .receiver import Receiver, running_receiver

connection = cast(Any, default_connection)


def test_an_event_of_one_shop_never_goes_to_another_shops_endpoint(
    loopback_allowed: None, acme: Tenant, bravo: Tenant
) -> None:
    with running_receiver() as at_acme, running_receiver() as at_bravo:
        with tenant_context(bravo):
            create_endpoint(actor=None, url=at_bravo.url, event_types=["*"])
        with tenant_context(acme):
            create_endpoint(actor=None, url=at_acme.url, event_types=["*"])
            order = buy()
        with tenant_context(bravo):
            relay_outbox()
            deliver_due()
            assert not Delivery.objects.exists()
        assert at_bravo.received == []
        with tenant_context(acme):
            relay_outbox()
            deliver_due()
        (hit,) = at_acme.received
        assert json.loads(hit.body)["data"]["object"]["code"] == order.code
        assert at_bravo.received == []


def _broker_app(name: str, database: int) -> CeleryApp:
    """The project's Celery configuration on real Redis, on a queue of this run's own: the Redis
    server may be shared with other test runs, whose workers must not take these tasks."""
    broker_app = CeleryApp(name, set_as_current=False)
    broker_app.config_from_object("django.conf:settings", namespace="CELERY")
    url = f"redis://127.0.0.1:6379/{database}"
    broker_app.conf.update(
        broker_url=url,
        result_backend=url,
        task_always_eager=False,
        task_default_queue=f"webhooks-tests-{uuid.uuid4().hex}",
    )
    return broker_app


@pytest.fixture
def cleanup_webhooks(committed: None) -> Iterator[None]:
    """Committed rows of these tests are removed from both shops afterwards, the confirmations
    still due for their orders included (a later relay would otherwise mail them)."""
    last_event = {slug: _last_event_id(slug) for slug in ("acme", "bravo")}
    last_due = {slug: _last_due_id(slug) for slug in ("acme", "bravo")}
    side_effects._last_queued.clear()
    yield
    side_effects._last_queued.clear()
    app.set_current()
    app.set_default()
    for slug, last in last_event.items():
        with schema_context(slug):
            WebhookEndpoint.objects.all().delete()
            OutboxEvent.objects.filter(pk__gt=last).delete()
            ConfirmationDue.objects.filter(pk__gt=last_due[slug]).delete()


def _last_due_id(slug: str) -> int:
    with schema_context(slug):
        return ConfirmationDue.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _last_event_id(slug: str) -> int:
    with schema_context(slug):
        return OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _endpoint_in(slug: str, receiver: Receiver) -> None:
    with schema_context(slug):
        create_endpoint(actor=None, url=receiver.url, event_types=["order.created"])


@requires_redis
@pytest.mark.usefixtures("cleanup_webhooks", "loopback_allowed")
def test_the_relay_runs_on_a_worker_in_the_schema_of_the_shop_that_queued_it() -> None:
    broker_app = _broker_app("webhooks-real-broker", 12)
    ran: list[str] = []

    def record_run(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "name", "") == "webhooks.relay_outbox":
            ran.append(current_schema_name())

    task_prerun.connect(record_run, weak=False)
    try:
        with running_receiver() as at_acme, running_receiver() as at_bravo:
            _endpoint_in("acme", at_acme)
            _endpoint_in("bravo", at_bravo)
            codes = {}
            with start_worker(broker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                for slug in ("acme", "bravo"):
                    connection.set_tenant(Tenant.objects.get(schema_name=slug))
                    broker_app.set_current()  # the after-commit enqueue goes to Redis
                    codes[slug] = buy().code
                    app.set_current()
                    connection.set_schema_to_public()
                (acme_hit,) = at_acme.wait_for(1)
                (bravo_hit,) = at_bravo.wait_for(1)
            assert sorted(ran) == ["acme", "bravo"]
            for hit, slug in ((acme_hit, "acme"), (bravo_hit, "bravo")):
                body = json.loads(hit.body)
                assert body["shop"] == slug and body["data"]["object"]["code"] == codes[slug]
            assert len(at_acme.received) == 1 and len(at_bravo.received) == 1
    finally:
        task_prerun.disconnect(record_run)


@pytest.fixture
def no_worker() -> Iterator[CeleryApp]:
    """A broker app on Redis whose queue no worker reads (the workers are down)."""
    broker_app = _broker_app("webhooks-no-worker", 13)
    yield broker_app
    broker_app.control.purge()
    redis.Redis.from_url("redis://127.0.0.1:6379/13").delete(
        f"_kombu.binding.{broker_app.conf.task_default_queue}"
    )


@requires_redis
@pytest.mark.usefixtures("cleanup_webhooks", "loopback_allowed")
def test_events_written_while_no_worker_runs_are_delivered_by_the_sweep(
    no_worker: CeleryApp, settings
) -> None:
    settings.OUTBOX_RELAY_COALESCE_SECONDS = 600  # however slow this machine, the orders fall in one window
    queued = redis.Redis.from_url("redis://127.0.0.1:6379/13")
    with running_receiver() as receiver:
        _endpoint_in("acme", receiver)
        connection.set_tenant(Tenant.objects.get(schema_name="acme"))
        no_worker.set_current()  # the relay is queued on Redis, where no worker listens
        try:
            codes = {buy().code, buy().code, buy().code}
        finally:
            app.set_current()
            connection.set_schema_to_public()
        # Three orders, one relay queued: it starts after all three commits and would take them all.
        queue = no_worker.conf.task_default_queue
        tasks = [json.loads(message)["headers"]["task"] for message in queued.lrange(queue, 0, -1)]
        assert tasks.count("webhooks.relay_outbox") == 1
        with schema_context("acme"):
            assert OutboxEvent.objects.filter(relayed_at__isnull=True, payload__code__in=codes).count() == 3
        assert receiver.received == []

        # Beat runs the sweep in the public schema; eager here, it relays and delivers at once.
        assert sweep_everywhere() >= 1

        assert {json.loads(hit.body)["data"]["object"]["code"] for hit in receiver.received} == codes
        with schema_context("acme"):
            assert not OutboxEvent.objects.filter(relayed_at__isnull=True).exists()
            assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
