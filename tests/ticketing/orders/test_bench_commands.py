"""`make bench`'s own checks: the bench shop and its event, and the report that fails on an oversell."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context

from billing.models import Plan
from tenants.models import Tenant
from ticketing.catalog.models import Event
from ticketing.inventory.models import Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets


def prepare(capacity: int = 10) -> dict[str, str]:
    out = io.StringIO()
    call_command("bench_onsale", "prepare", "--capacity", str(capacity), stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().split())


def report(slug: str, accepted: int) -> str:
    out = io.StringIO()
    stats = {"seconds": 2.0, "requests": accepted, "errors": 0, "refused": 0, "p50_ms": 12.5, "p99_ms": 40.0}
    stats |= {"web_cpu_seconds": 0.02, "db_cpu_seconds": 0.01, "worker_cpu_seconds": 0.5}
    call_command(
        "bench_onsale", "report", "--event", slug, "--accepted", str(accepted), "--stats", json.dumps(stats),
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def buy(slug: str, quantity: int) -> None:
    event = Event.objects.get(slug=slug)
    ticket_type = event.ticket_types.get()
    buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: quantity}),
        buyer=Buyer(name="Bench Buyer", email="buyer@bench.example"),
    )


@pytest.mark.django_db
def test_prepare_opens_a_published_event_in_the_bench_shop_on_its_unlimited_plan() -> None:
    found = prepare(capacity=25)

    shop = Tenant.objects.get(schema_name="bench")
    assert found["BENCH_HOST"] == "bench.localhost" and shop.plan.code == "bench-unlimited"
    with schema_context("bench"):
        event = Event.objects.get(slug=found["BENCH_EVENT"])
        assert event.status == Event.Status.PUBLISHED
        assert Stock.objects.get(event=event, ticket_type=None, addon=None).capacity == 25
        assert str(event.ticket_types.get().pk) == found["BENCH_TICKET_TYPE"]


@pytest.mark.django_db
def test_the_report_prints_the_figures_and_passes_when_sales_add_up() -> None:
    slug = prepare()["BENCH_EVENT"]
    with schema_context("bench"):
        buy(slug, 2)
        buy(slug, 1)

    printed = report(slug, accepted=2)

    assert "orders/s         1.0" in printed
    assert "CPU per order    15.00 ms: gunicorn 10.00 + PostgreSQL 5.00" in printed
    assert "sold / capacity  3 / 10" in printed
    assert "nothing oversold, no accepted order lost" in printed


@pytest.mark.django_db
def test_the_report_fails_when_more_orders_were_accepted_than_the_database_holds() -> None:
    slug = prepare()["BENCH_EVENT"]
    with schema_context("bench"):
        buy(slug, 1)

    with pytest.raises(CommandError, match="2 orders accepted over HTTP but 1 in the database"):
        report(slug, accepted=2)


@pytest.mark.django_db
def test_the_report_fails_when_the_stock_counters_disagree_with_the_tickets() -> None:
    # An oversell itself cannot be written (stock_never_oversold, a check constraint); what a
    # lost update would leave is a counter out of step with the tickets sold.
    slug = prepare(capacity=3)["BENCH_EVENT"]
    with schema_context("bench"):
        buy(slug, 3)
        Stock.objects.filter(event__slug=slug).update(sold=2)

    with pytest.raises(CommandError, match="OVERSOLD or counters out of step"):
        report(slug, accepted=1)


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_reset_drops_the_bench_shop_and_the_next_prepare_starts_an_empty_one() -> None:
    # Real commits: a schema is dropped as `make bench` drops it, between committed runs.
    try:
        slug = prepare()["BENCH_EVENT"]
        with schema_context("bench"):
            buy(slug, 2)

        call_command("bench_onsale", "reset")

        assert not Tenant.objects.filter(schema_name="bench").exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'bench'")
            assert cursor.fetchone() is None
        fresh = prepare()["BENCH_EVENT"]
        with schema_context("bench"):
            assert list(Event.objects.values_list("slug", flat=True)) == [fresh]
            assert not Order.objects.exists()
        call_command("bench_onsale", "reset")
        call_command("bench_onsale", "reset")  # nothing left to drop is no error either
    finally:
        call_command("bench_onsale", "reset")
        Plan.objects.filter(code="bench-unlimited").delete()
