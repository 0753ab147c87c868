"""Set up and check the on-sale rush benchmark (`make bench`).

``reset`` drops the benchmark reseller, its schema and every order of earlier runs, so each
run starts from the same empty shop. ``prepare`` makes sure the benchmark reseller exists
and opens a fresh event with one ticket type, printing shell variables for the load
generator. The reseller is on a private plan of its own: every feature of the demo plans
(the API rush needs API access) and no limits, since every run opens new events and a
plan's event limit would refuse the fiftieth. ``report`` prints what was sold against
capacity and fails if anything was oversold or an accepted order is missing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing import entitlements
from billing.models import Plan
from tenants import routing
from tenants.models import Tenant
from tenants.services import assign_plan, provision_tenant
from ticketing.catalog.models import Event
from ticketing.catalog.services import create_event, create_ticket_type, publish_event
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order, Ticket
from ticketing.tickets.models import ConfirmationDue

SLUG = "bench"
HOSTNAME = "bench.localhost"


BENCH_PLAN = "bench-unlimited"


def _bench_plan() -> Plan:
    features = sorted({feature for plan in Plan.objects.all() for feature in plan.features})
    plan, _ = Plan.objects.update_or_create(
        code=BENCH_PLAN,
        defaults={
            "name": "On-sale benchmark",
            "features": features,
            "limits": {str(limit): None for limit in entitlements.Limit},  # None: unlimited
            "is_public": False,
        },
    )
    return plan


class Command(BaseCommand):
    help = "Prepare or report on the on-sale rush benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reset", "prepare", "report"])
        parser.add_argument("--capacity", type=int, default=3000)
        parser.add_argument("--event", default="")
        parser.add_argument(
            "--accepted", type=int, default=-1, help="Orders the load generator saw accepted."
        )
        parser.add_argument("--stats", default="", help="JSON figures from the load generator.")
        parser.add_argument(
            "--title", default="On-sale rush: 50 concurrent buyers over HTTP, one order per request"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset":
            self._reset()
            return
        tenant = Tenant.objects.filter(schema_name=SLUG).first()
        if tenant is None:
            provision_tenant(
                name="Bench Shop", slug=SLUG, hostname=HOSTNAME, owner_email="owner@bench.example",
                default_currency="EUR",
            )  # fmt: skip
            tenant = Tenant.objects.get(schema_name=SLUG)
        plan = _bench_plan()
        if tenant.plan_id != plan.pk:
            with transaction.atomic(durable=True):
                assign_plan(tenant=tenant, plan=plan, actor=None)
        with tenant_context(tenant):
            if options["action"] == "prepare":
                self._prepare(options["capacity"])
            else:
                self._report(options["event"], options["accepted"], options["stats"], options["title"])

    def _reset(self) -> None:
        tenant = Tenant.objects.filter(schema_name=SLUG).first()
        if tenant is None:
            return
        with transaction.atomic(durable=True):
            routing.forget_tenant(tenant)
            tenant.delete(force_drop=True)  # the schema with it (django-tenants), and its domain

    def _prepare(self, capacity: int) -> None:
        starts_at = timezone.now() + timedelta(days=30)
        event = create_event(
            actor=None,
            capacity=capacity,
            name="On-sale rush",
            slug=f"rush-{timezone.now():%Y%m%d%H%M%S}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
        )
        ticket_type = create_ticket_type(
            actor=None,
            event=event,
            quantity=capacity,
            name="General admission",
            price_minor=4900,
            max_per_order=4,
        )
        publish_event(actor=None, event=event)
        self.stdout.write(
            f"BENCH_HOST={HOSTNAME}\nBENCH_EVENT={event.slug}\nBENCH_TICKET_TYPE={ticket_type.pk}\n"
        )

    def _report(self, slug: str, accepted: int, stats: str, title: str) -> None:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(f"No benchmark event {slug!r}.")
        stock = Stock.objects.get(event=event, ticket_type=None, addon=None)
        orders = Order.objects.filter(event=event)
        tickets = Ticket.objects.filter(event=event).count()
        figures = json.loads(stats) if stats else {}
        seconds = figures.get("seconds") or 1
        web_ms = 1000 * float(figures.get("web_cpu_seconds") or 0) / max(accepted, 1)
        db_ms = 1000 * float(figures.get("db_cpu_seconds") or 0) / max(accepted, 1)
        cpu_ms = web_ms + db_ms
        worker_cpu = float(figures.get("worker_cpu_seconds") or 0)
        unsent = ConfirmationDue.objects.filter(order__event=event).count()
        self.stdout.write(
            "\n".join(
                [
                    title,
                    f"  requests         {figures.get('requests', '?')} "
                    f"({figures.get('errors', '?')} socket errors)",
                    f"  orders accepted  {accepted}, sold out/refused {figures.get('refused', '?')}",
                    f"  orders/s         {accepted / seconds:.1f}",
                    f"  latency p50      {figures.get('p50_ms', 0):.1f} ms",
                    f"  latency p99      {figures.get('p99_ms', 0):.1f} ms",
                    f"  CPU per order    {cpu_ms:.2f} ms: gunicorn {web_ms:.2f} + PostgreSQL {db_ms:.2f} "
                    f"(2 dedicated cores would allow ~{2000 / cpu_ms if cpu_ms else 0:.0f} orders/s)",
                    f"  Celery worker    {worker_cpu:.2f} s CPU in the rush (idle priority); "
                    f"{unsent} confirmations still to send at its end",
                    f"  sold / capacity  {stock.sold} / {stock.capacity} (held {stock.held})",
                    f"  orders in DB     {orders.count()}, tickets {tickets}, "
                    f"ticket lines {orders.aggregate(n=Sum('lines__quantity'))['n'] or 0}",
                ]
            )
        )
        if stock.sold + stock.held > stock.capacity or tickets != stock.sold:
            raise CommandError("OVERSOLD or counters out of step with tickets.")
        # wrk stops with up to one request per connection in flight: those orders may be placed
        # without wrk reading the answer. Fewer orders than answers would mean a lost order.
        if accepted >= 0 and not accepted <= orders.count() <= accepted + 50:
            raise CommandError(f"{accepted} orders accepted over HTTP but {orders.count()} in the database.")
        self.stdout.write("  nothing oversold, no accepted order lost")
