"""The daily reconciliation compares the ledger with each connected account's balance."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import tenant_context
from pytest_django.fixtures import Settings as SettingsWrapper

from billing.ledger.models import ReconciliationMismatch
from billing.ledger.reconciliation import reconcile_with_provider
from billing.payouts.models import PayoutAccount
from tenants.models import Tenant
from tests.billing import stripe_objects as objects
from tests.billing.factories import order_value, record_processor_sale
from tests.stripe_server import StripeStub, stripe_error


@pytest.fixture
def acme_with_sales(acme_on_growth: Tenant) -> Tenant:
    PayoutAccount.objects.create(
        tenant=acme_on_growth, provider_account_id="acct_1Recon", payouts_enabled=True
    )
    with tenant_context(acme_on_growth):
        record_processor_sale(
            order_value(currency="USD", unit_minor=10_000, quantity=1), processor_fee_minor=320
        )
    return acme_on_growth


NET = 10_000 - 359 - 320  # growth, USD: 3 % + 0.59; card fee 3.20


def test_a_ledger_that_agrees_with_the_processor_reports_nothing(
    acme_with_sales: Tenant, stripe_stub: StripeStub, django_capture_on_commit_callbacks: object
) -> None:
    stripe_stub.on(
        "GET", "/v1/balance", objects.balance(available={"usd": 1000}, pending={"usd": NET - 1000})
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = reconcile_with_provider()
    assert (run.accounts_checked, run.mismatch_count) == (1, 0)
    assert mail.outbox == []
    assert stripe_stub.calls("GET", "/v1/balance")[0].stripe_account == "acct_1Recon"


def test_differences_are_stored_and_mailed_to_the_platform_admins(
    acme_with_sales: Tenant,
    stripe_stub: StripeStub,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.PLATFORM_ADMIN_EMAILS = ["finance@platform.example"]
    stripe_stub.on(
        "GET", "/v1/balance", objects.balance(available={"usd": NET - 500, "eur": 700}, pending={})
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = reconcile_with_provider()
    mismatches = {(m.currency, m.ledger_minor, m.provider_minor) for m in run.mismatches.all()}
    assert mismatches == {("EUR", 0, 700), ("USD", NET, NET - 500)}
    [message] = mail.outbox
    assert message.to == ["finance@platform.example"] and "2 mismatch" in message.subject
    assert "ledger $93.21, processor $88.21" in message.body


def test_an_unreadable_account_is_reported_not_skipped(
    acme_with_sales: Tenant, stripe_stub: StripeStub
) -> None:
    stripe_stub.on(
        "GET",
        "/v1/balance",
        lambda r: stripe_error(
            status=403, type="invalid_request_error", code="account_invalid", message="No access."
        ),
    )
    run = reconcile_with_provider()
    [mismatch] = run.mismatches.all()
    assert mismatch.kind == ReconciliationMismatch.Kind.PROVIDER_ERROR and "No access" in mismatch.detail
