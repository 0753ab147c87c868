"""Connect events (account updates, payout outcomes) arrive on their own webhook endpoint."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import tenant_context

from billing.ledger import selectors
from billing.payouts.models import Payout, PayoutAccount
from billing.payouts.services import run_due_payouts
from core.money import Money
from tenants.models import Tenant
from tests.billing import stripe_objects as objects
from tests.billing.deliveries import deliver
from tests.billing.factories import order_value, record_processor_sale
from tests.stripe_server import StripeStub

CONNECT = "/billing/stripe/connect-webhook/"


def test_an_account_update_activates_the_payout_account(acme: Tenant, platform_client: Client) -> None:
    PayoutAccount.objects.create(tenant=acme, provider_account_id="acct_1Hook")
    update = objects.event(
        type="account.updated",
        account="acct_1Hook",
        data_object=objects.account(
            id="acct_1Hook", charges_enabled=True, payouts_enabled=True, details_submitted=True
        ),
    )
    assert deliver(platform_client, update, path=CONNECT)["outcome"] == "payout account active"
    assert PayoutAccount.objects.get(tenant=acme).payouts_enabled


def test_a_failed_payout_notice_returns_the_money_once(
    acme_on_growth: Tenant,
    platform_client: Client,
    stripe_stub: StripeStub,
    django_capture_on_commit_callbacks: object,
) -> None:
    PayoutAccount.objects.create(
        tenant=acme_on_growth, provider_account_id="acct_1Fail", payouts_enabled=True
    )
    stripe_stub.on("POST", "/v1/payouts", objects.payout(id="po_1Bounced", amount=1, currency="usd"))
    with tenant_context(acme_on_growth):
        record_processor_sale(
            order_value(currency="USD", unit_minor=10_000, quantity=1, event_ends_in_days=-30)
        )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [payout] = run_due_payouts()
    assert selectors.balances(tenant=acme_on_growth, currency="USD").available == Money(0, "USD")
    failed = objects.event(
        type="payout.failed",
        account="acct_1Fail",
        data_object=objects.payout(
            id="po_1Bounced",
            amount=payout.amount_minor,
            currency="usd",
            status="failed",
            failure_code="account_closed",
            failure_message="The bank account has been closed.",
        ),
    )
    assert deliver(platform_client, failed, path=CONNECT)["outcome"] == "payout failed"
    assert deliver(platform_client, failed, path=CONNECT)["outcome"] == "duplicate"
    payout.refresh_from_db()
    assert (payout.status, payout.failure_code) == (Payout.Status.FAILED, "account_closed")
    assert selectors.balances(tenant=acme_on_growth, currency="USD").available == payout.amount
