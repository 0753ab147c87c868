"""The daily reconciliation compares the ledger with each connected account's balance."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from billing.ledger import services as ledger
from billing.ledger.models import ReconciliationMismatch
from billing.ledger.reconciliation import MOVEMENT_WINDOW, reconcile_with_provider
from billing.payouts.models import Payout, PayoutAccount
from tenants.models import Tenant
from tests.billing import stripe_objects as objects
from tests.billing.factories import order_value, record_processor_sale
from tests.conftest import PLATFORM_HOST, client_for
from tests.stripe_server import RecordedRequest, StripeStub, stripe_error


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


@pytest.fixture
def no_movements(stripe_stub: StripeStub) -> StripeStub:
    """The account's balance transactions: none in the window (balances are what these tests compare)."""
    stripe_stub.on("GET", "/v1/balance_transactions", objects.balance_transaction_list([]))
    return stripe_stub


def test_a_ledger_that_agrees_with_the_processor_reports_nothing(
    acme_with_sales: Tenant,
    stripe_stub: StripeStub,
    no_movements: StripeStub,
    django_capture_on_commit_callbacks: object,
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
    no_movements: StripeStub,
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


# --- movement by movement: the account's balance transactions against the ledger ----------------


def txn(type: str, source: str, amount: int, **more: Any) -> dict[str, Any]:
    return objects.balance_transaction(type=type, source=source, amount=amount, currency="usd", **more)


def card_sale(tenant: Tenant, *, charge_id: str, unit_minor: int = 10_000) -> None:
    """A card sale as Payments records it: the charge's id is the ledger's provider reference."""
    with tenant_context(tenant), transaction.atomic():
        ledger.record_sale(
            order=order_value(currency="USD", unit_minor=unit_minor, quantity=1),
            collected_by=ledger.CollectedBy.PROCESSOR,
            processor_fee_minor=320,
            provider_reference=charge_id,
        )


@pytest.fixture
def acme_connected(acme_on_growth: Tenant, stripe_stub: StripeStub) -> Tenant:
    PayoutAccount.objects.create(
        tenant=acme_on_growth, provider_account_id="acct_1Moves", payouts_enabled=True
    )
    stripe_stub.on("GET", "/v1/balance", objects.balance(available={}, pending={"usd": 2 * NET}))
    return acme_on_growth


def test_movements_the_ledger_booked_with_the_same_amounts_report_nothing(
    acme_connected: Tenant, stripe_stub: StripeStub
) -> None:
    card_sale(acme_connected, charge_id="ch_1First")
    card_sale(acme_connected, charge_id="ch_1Second")
    Payout.objects.create(tenant=acme_connected, currency="USD", amount_minor=0, fees_settled_minor=268,
                          period="2026-11-01", provider_fee_transfer_id="tr_1Fees")  # fmt: skip
    stripe_stub.on(
        "GET",
        "/v1/balance_transactions",
        objects.balance_transaction_list(
            [
                objects.balance_transaction(
                    type="charge", source="ch_1First", amount=10_000, currency="usd", fee=679
                ),
                objects.balance_transaction(
                    type="payment", source="ch_1Second", amount=10_000, currency="usd"
                ),
                txn("transfer", "tr_1Fees", -268),
                txn("stripe_fee", "", -5),
            ]
        ),
    )
    run = reconcile_with_provider()
    assert run.mismatch_count == 0, list(run.mismatches.values_list("detail", flat=True))
    [listed] = stripe_stub.calls("GET", "/v1/balance_transactions")
    assert listed.stripe_account == "acct_1Moves"
    assert int(listed.query["created"]["gte"]) <= int((timezone.now() - MOVEMENT_WINDOW).timestamp()) + 1


def test_a_movement_missing_from_the_ledger_or_booked_differently_is_reported(
    acme_connected: Tenant,
    stripe_stub: StripeStub,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.PLATFORM_ADMIN_EMAILS = []  # then the platform's superusers hear of it
    User.objects.create_superuser("finance@platform.localhost", "a long console password")
    card_sale(acme_connected, charge_id="ch_1Known")
    card_sale(acme_connected, charge_id="ch_1Cheaper", unit_minor=9_000)
    Payout.objects.create(tenant=acme_connected, currency="USD", amount_minor=5_000, period="2026-11-02",
                          status=Payout.Status.PAID, provider_payout_id="po_1Paid")  # fmt: skip
    stripe_stub.on(
        "GET",
        "/v1/balance_transactions",
        objects.balance_transaction_list(
            [
                txn("charge", "ch_1Known", 10_000),
                txn("charge", "ch_1Stray", 4_200, id="txn_1Stray"),
                txn("charge", "ch_1Cheaper", 10_000, id="txn_1Cheaper"),
                objects.balance_transaction(type="payout_failure", source="po_1Paid", amount=5_000,
                                            currency="usd", id="txn_1Returned"),
            ]
        ),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = reconcile_with_provider()
    movements = {
        m.provider_reference: (m.kind, m.ledger_minor, m.provider_minor, m.detail)
        for m in run.mismatches.exclude(kind=ReconciliationMismatch.Kind.BALANCE)
    }
    assert movements == {
        "txn_1Stray": ("unmatched", 0, 4_200, f"charge ch_1Stray of $42.00 on {timezone.now():%Y-%m-%d} "
                       "is not in the ledger"),
        "txn_1Cheaper": ("amount", 9_000, 10_000, "charge ch_1Cheaper: ledger $90.00, processor $100.00"),
        "txn_1Returned": ("amount", 0, 5_000,
                          "the processor returned payout po_1Paid; the ledger still counts it paid out"),
    }  # fmt: skip
    [message] = mail.outbox
    assert message.to == ["finance@platform.localhost"]
    assert "charge ch_1Stray of $42.00" in message.body and "txn_1Stray" in message.body


def test_every_page_of_movements_is_read(acme_connected: Tenant, stripe_stub: StripeStub) -> None:
    card_sale(acme_connected, charge_id="ch_1PageOne")

    def pages(request: RecordedRequest) -> tuple[int, dict[str, object]]:
        if request.query.get("starting_after") == "txn_1First":
            return 200, objects.balance_transaction_list([txn("charge", "ch_1PageTwo", 700)])
        return 200, objects.balance_transaction_list(
            [txn("charge", "ch_1PageOne", 10_000, id="txn_1First")],
            has_more=True,
        )  # fmt: skip

    stripe_stub.on("GET", "/v1/balance_transactions", pages)
    run = reconcile_with_provider()
    assert len(stripe_stub.calls("GET", "/v1/balance_transactions")) == 2
    [missing] = run.mismatches.filter(kind=ReconciliationMismatch.Kind.UNMATCHED)
    assert "ch_1PageTwo" in missing.detail


def test_platform_admins_see_the_mismatches_in_the_console(
    acme_connected: Tenant, stripe_stub: StripeStub
) -> None:
    stripe_stub.on(
        "GET",
        "/v1/balance_transactions",
        objects.balance_transaction_list([txn("refund", "re_1Ghost", -1_500)]),
    )
    run = reconcile_with_provider()
    console = client_for(PLATFORM_HOST)
    console.force_login(User.objects.create_superuser("root@platform.localhost", "console password 1"))
    page = console.get(f"/admin/ledger/reconciliationrun/{run.pk}/change/").content.decode()
    assert "refund re_1Ghost of -$15.00" in page
