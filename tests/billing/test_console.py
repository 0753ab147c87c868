"""Billing in the platform console: plans written through the services, money records read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.models import Plan
from tenants.models import Tenant
from tests.billing.factories import order_value, record_processor_sale
from tests.conftest import PLATFORM_HOST, client_for

PLAN_FORM = {
    "code": "club",
    "name": "Club",
    "monthly_fee_minor": "1900",
    "currency": "EUR",
    "trial_days": "14",
    "limits": '{"events": 10}',
    "features": '["api"]',
    "is_public": "on",
}


@pytest.fixture
def console(db: None) -> Client:
    client = client_for(PLATFORM_HOST)
    client.force_login(User.objects.create_superuser("root@platform.localhost", "console password 1"))
    return client


def test_the_console_creates_a_plan_through_the_service(console: Client) -> None:
    response = console.post("/admin/billing/plan/add/", PLAN_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(code="club")
    assert (plan.monthly_fee_minor, plan.limits, plan.features) == (1900, {"events": 10}, ["api"])


def test_the_console_shows_why_a_plan_is_refused(console: Client) -> None:
    response = console.post("/admin/billing/plan/add/", {**PLAN_FORM, "features": '["teleportation"]'})
    assert response.status_code == 200
    assert "Unknown feature(s): teleportation." in response.content.decode()
    assert not Plan.objects.filter(code="club").exists()


def test_ledger_transactions_are_listed_but_not_editable(console: Client, acme_on_growth: Tenant) -> None:
    with tenant_context(acme_on_growth):
        sale = record_processor_sale(order_value(currency="USD"))
    assert sale is not None
    assert "Property Night" in console.get("/admin/ledger/ledgertransaction/").content.decode()
    detail = console.get(f"/admin/ledger/ledgertransaction/{sale.pk}/change/")
    assert detail.status_code == 200 and "platform_fees" in detail.content.decode().lower().replace(" ", "_")
    assert (
        console.post(f"/admin/ledger/ledgertransaction/{sale.pk}/delete/", {"post": "yes"}).status_code == 403
    )
