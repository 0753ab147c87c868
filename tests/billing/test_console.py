"""Billing in the platform console: plans written through the services, money records read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.models import FeeRule, Plan
from tenants.models import Tenant
from tests.billing.factories import order_value, record_processor_sale
from tests.conftest import PLATFORM_HOST, client_for
from tests.ticketing.factories import make_event

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


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"monthly_fee_minor": "-100"}, "Ensure this value is greater than or equal to 0."),
        ({"limits": '{"events": -1}'}, "The limit on events cannot be negative."),
        ({"limits": '{"events": 2.5}'}, "The limit on events must be a whole number."),
        ({"trial_days": "120"}, "A trial lasts 0 to 90 days."),
    ],
)
def test_a_plan_with_bad_terms_is_refused_with_the_reason_and_nothing_is_saved(
    console: Client, changes: dict[str, str], message: str
) -> None:
    response = console.post("/admin/billing/plan/add/", {**PLAN_FORM, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.filter(code="club").exists()


FEE_FORM = {"item_type": "", "channel": "", "currency": "EUR", "percent_bp": "250", "fixed_minor": "30"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent_bp": "10001"}, "A fee is at most 100 %."),
        ({"percent_bp": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"fixed_minor": "-30"}, "Ensure this value is greater than or equal to 0."),
        ({"currency": "", "fixed_minor": "30"}, "A fixed fee is an amount of money: name its currency"),
    ],
)
def test_a_fee_rule_with_bad_terms_is_refused_with_the_reason_and_nothing_is_saved(
    console: Client, changes: dict[str, str], message: str
) -> None:
    plan = Plan.objects.get(code="starter")
    before = list(FeeRule.objects.values_list("pk", "percent_bp", "fixed_minor"))
    response = console.post("/admin/billing/feerule/add/", {**FEE_FORM, "plan": plan.pk, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(FeeRule.objects.values_list("pk", "percent_bp", "fixed_minor")) == before


def test_the_console_refuses_a_downgrade_below_current_use(console: Client, acme: Tenant) -> None:
    from billing.models import Subscription

    subscription = Subscription.objects.create(tenant=acme, plan=Plan.objects.get(code="growth"))
    Tenant.objects.filter(pk=acme.pk).update(plan=subscription.plan)
    with tenant_context(acme):
        for _ in range(5):
            make_event()  # 6 live events; starter allows 5
    starter = Plan.objects.get(code="starter")
    response = console.post(f"/admin/billing/subscription/{subscription.pk}/change/", {"plan": starter.pk})
    assert response.status_code == 200
    assert "Starter does not fit your current use: events: 6 in use, 5 allowed" in response.content.decode()
    subscription.refresh_from_db()
    acme.refresh_from_db()
    assert subscription.plan.code == "growth" and acme.plan is not None and acme.plan.code == "growth"


def test_the_reseller_page_does_not_change_the_plan_around_billing(console: Client, acme: Tenant) -> None:
    page = console.get(f"/admin/tenants/tenant/{acme.pk}/change/").content.decode()
    assert 'name="plan"' not in page


def test_platform_admins_see_payout_accounts_schedules_and_failed_payouts(
    console: Client, acme: Tenant
) -> None:
    from billing.payouts import services as payouts
    from billing.payouts.models import Payout, PayoutAccount

    PayoutAccount.objects.create(tenant=acme, provider_account_id="acct_1Console", details_submitted=True)
    payouts.set_payout_schedule(tenant=acme, actor=None, interval="monthly", holding_days=7)
    Payout.objects.create(tenant=acme, currency="USD", amount_minor=5000, period="2026-11-01",
                          status=Payout.Status.FAILED, failure_code="account_closed",
                          failure_message="The bank account has been closed.")  # fmt: skip
    Payout.objects.create(tenant=acme, currency="USD", amount_minor=7000, period="2026-10-01",
                          status=Payout.Status.PAID)  # fmt: skip
    accounts = console.get("/admin/payouts/payoutaccount/").content.decode()
    assert "acct_1Console" in accounts
    assert "Monthly" in console.get("/admin/payouts/payoutschedule/").content.decode()
    failed = console.get("/admin/payouts/payout/?status__exact=failed").content.decode()
    assert "The bank account has been closed." in failed and "2026-11-01" in failed
    assert "2026-10-01" not in failed
