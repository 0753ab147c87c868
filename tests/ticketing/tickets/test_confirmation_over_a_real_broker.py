"""The confirmation relay through real Redis and a real worker: each shop's orders are rendered and
mailed in that shop's schema, signed with that shop's key, in that shop's name, by one relay task
per shop for orders placed within its window."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from email.utils import parseaddr
from typing import Any, cast

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.core import mail
from django.db import connection as default_connection
from tenant_schemas_celery.app import CeleryApp

from branding.services import set_theme
from controlplane.celery import app
from tenants.context import current_schema_name
from tenants.models import Tenant
from tests.services import requires_redis
from ticketing.catalog.models import Event, Venue
from ticketing.orders.models import Order
from ticketing.tickets.models import SigningKey
from ticketing.tickets.payload import verify_ticket
from ticketing.tickets.selectors import verification_keys

from .conftest import Show, buy, make_show
from .pdf_reading import embedded_qr_codes, page_texts

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


@pytest.fixture
def redis_worker(django_db_setup: None) -> Iterator[CeleryApp]:
    """The project's Celery configuration on a real Redis broker, with a worker in this process.

    On a queue of this run's own: the Redis server may be shared with other test runs, whose
    workers must not take these tasks (nor this worker theirs)."""
    broker_app = CeleryApp("tickets-real-broker", set_as_current=False)
    broker_app.config_from_object("django.conf:settings", namespace="CELERY")
    broker_app.conf.update(
        broker_url="redis://127.0.0.1:6379/14",
        result_backend="redis://127.0.0.1:6379/14",
        task_always_eager=False,
        task_default_queue=f"tickets-tests-{uuid.uuid4().hex}",
    )
    with start_worker(broker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield broker_app
    # start_worker makes the broker app the default too, which threads started later (without a
    # current app of their own) would queue to: give both back to the project's eager app.
    app.set_current()
    app.set_default()


@requires_redis
@pytest.mark.usefixtures("committed")
def test_each_shops_confirmations_are_rendered_and_mailed_in_its_own_schema_by_one_relay(
    redis_worker: CeleryApp, settings: Any
) -> None:
    # Both orders of a shop are placed well within the window: one relay task sends both.
    settings.CONFIRMATION_RELAY_WINDOW = 2.0
    shops = {slug: Tenant.objects.get(schema_name=slug) for slug in ("acme", "bravo")}
    made: dict[str, tuple[Show, Order]] = {}
    also: dict[str, Order] = {}
    ran: list[tuple[str, int]] = []  # (schema, thread) of each confirmation the worker ran

    def record_run(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "name", "") == "orders.send_due_confirmations":
            ran.append((current_schema_name(), threading.get_ident()))

    task_prerun.connect(record_run, weak=False)
    try:
        for slug, tenant in shops.items():
            connection.set_tenant(tenant)
            set_theme(display_name=f"{tenant.name} (real broker)")
            show = make_show()
            # Placed with the broker app current, so the after-commit enqueue goes to Redis.
            redis_worker.set_current()
            made[slug] = (show, buy(show, standing=1, seated=0, name=f"Buyer {slug.title()}"))
            also[slug] = buy(show, standing=0, seated=1, name=f"Second buyer {slug.title()}")
            app.set_current()
        _wait_for_mails(4)
        # Not eagerly in this thread: the worker took them off Redis, each in its shop's schema.
        assert sorted(schema for schema, _ in ran) == ["acme", "bravo"]
        assert all(thread != threading.get_ident() for _, thread in ran)

        # Each order mailed once (the subject names its code).
        orders = [*also.values(), *(order for _, order in made.values())]
        assert sorted(
            order.code for order in orders for message in mail.outbox if order.code in message.subject
        ) == (sorted(order.code for order in orders))
        firsts = [order.code for _, order in made.values()]
        by_shop = {
            parseaddr(message.from_email)[0]: message
            for message in mail.outbox
            if any(code in message.subject for code in firsts)
        }
        assert set(by_shop) == {"Acme Live (real broker)", "Bravo Tickets (real broker)"}
        for slug, tenant in shops.items():
            show, order = made[slug]
            message = by_shop[f"{tenant.name} (real broker)"]
            ((name, pdf, _),) = [item for item in message.attachments if isinstance(item, tuple)]
            assert name == f"tickets-{order.code}.pdf"
            (page,) = page_texts(pdf)
            assert order.code in page and f"{tenant.name} (real broker)" in page
            ((code,),) = embedded_qr_codes(pdf)
            connection.set_tenant(tenant)
            assert (
                verify_ticket(code, public_keys=verification_keys()).ticket_id
                == order.tickets.get().public_id
            )
    finally:
        task_prerun.disconnect(record_run)
        app.set_current()
        for slug, tenant in shops.items():
            connection.set_tenant(tenant)
            if slug in made:
                show, _ = made[slug]
                Order.objects.filter(event=show.event).delete()
                Event.objects.filter(pk=show.event.pk).delete()
                Venue.objects.filter(events=None).delete()
            SigningKey.objects.all().delete()
            set_theme(display_name=tenant.name)
        connection.set_schema_to_public()


def _wait_for_mails(count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) == count
