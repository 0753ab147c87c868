"""Set up the API rush of the on-sale benchmark (`make bench`): the bench reseller on a plan
with API access and an API key that may create orders, printed as shell variables."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_tenants.utils import tenant_context

from api.services import create_api_key
from billing import entitlements
from billing.models import Plan
from tenants.models import Tenant
from tenants.services import assign_plan
from ticketing.catalog.models import Event


class Command(BaseCommand):
    help = "Prepare the API rush of the on-sale benchmark (needs `bench_onsale prepare` first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", default="bench")
        parser.add_argument("--event", required=True, help="Slug of the event the API rush buys.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(schema_name=options["schema"]).first()
        if tenant is None:
            raise CommandError("Run `manage.py bench_onsale prepare` first.")
        if not entitlements.allows(tenant, entitlements.Feature.API):
            plan = next(plan for plan in Plan.objects.all() if plan.allows(str(entitlements.Feature.API)))
            with transaction.atomic(durable=True):
                assign_plan(tenant=tenant, plan=plan, actor=None)
        with tenant_context(tenant):
            event = Event.objects.get(slug=options["event"])
            token = create_api_key(actor=None, name="On-sale rush", scopes=["orders:write"]).token
        self.stdout.write(f"BENCH_API_KEY={token}\nBENCH_API_EVENT_ID={event.pk}\n")
