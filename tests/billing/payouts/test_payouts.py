"""Payouts: schedules with clear refusals, once per period, never beyond the available balance."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.ledger import selectors
from billing.ledger.models import LedgerEntry, LedgerTransaction
from billing.payouts import services
from billing.payouts.errors import PayoutError, PayoutErrorCode
from billing.payouts.models import Payout, PayoutAccount, PayoutSchedule
from core.money import Money
from tenants.models import Tenant
from tests.billing import stripe_objects as objects
from tests.billing.factories import order_value, paid_order, record_processor_sale
from tests.stripe_server import RecordedRequest, StripeStub, stripe_error


def payout_answer(request: RecordedRequest) -> tuple[int, dict[str, object]]:
    return 200, objects.payout(amount=int(request.params["amount"]), currency=request.params["currency"])


@pytest.fixture
def acme_paid_out(acme_on_growth: Tenant) -> Tenant:
    PayoutAccount.objects.create(
        tenant=acme_on_growth,
        provider_account_id="acct_1Acme",
        status=PayoutAccount.Status.ACTIVE,
        charges_enabled=True,
        payouts_enabled=True,
    )
    services.set_payout_schedule(tenant=acme_on_growth, actor=None, interval="daily", holding_days=2)
    return acme_on_growth


def matured_sale(tenant: Tenant, *, currency: str = "USD", unit_minor: int = 10_000) -> None:
    """A card sale for an event long over, so its money is past the holding period."""
    with tenant_context(tenant):
        record_processor_sale(
            order_value(currency=currency, unit_minor=unit_minor, quantity=1, event_ends_in_days=-30),
            processor_fee_minor=320,
        )


def test_opening_a_payout_account_twice_opens_one_account(acme: Tenant, stripe_stub: StripeStub) -> None:
    stripe_stub.on("POST", "/v1/accounts", objects.account(id="acct_1New"))
    stripe_stub.on(
        "POST", "/v1/account_links", lambda r: (200, objects.account_link(account_id=r.params["account"]))
    )
    for _ in range(2):
        start = services.open_payout_account(
            tenant=acme,
            actor=None,
            email="owner@acme.example",
            return_url="http://x/",
            refresh_url="http://x/r",
        )
    assert start.account.provider_account_id == "acct_1New"
    assert start.account.status == PayoutAccount.Status.ONBOARDING
    assert len(stripe_stub.calls("POST", "/v1/accounts")) == 1
    assert len(stripe_stub.calls("POST", "/v1/account_links")) == 2


def test_account_updates_from_the_processor_activate_payouts(acme: Tenant) -> None:
    PayoutAccount.objects.create(tenant=acme, provider_account_id="acct_1Sync")
    from billing.processor.connect import connected_account_from

    state = connected_account_from(
        objects.account(id="acct_1Sync", charges_enabled=True, payouts_enabled=True, details_submitted=True)
    )
    account = services.sync_payout_account(state=state)
    assert account is not None and account.status == PayoutAccount.Status.ACTIVE and account.payouts_enabled


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"minimum_amounts": {"EUR": 999}}, PayoutErrorCode.MINIMUM_TOO_LOW, "minimum_amounts"),
        ({"minimum_amounts": {"XYZ": 5000}}, PayoutErrorCode.INVALID_CURRENCY, "minimum_amounts"),
        ({"holding_days": 0}, PayoutErrorCode.HOLDING_TOO_SHORT, "holding_days"),
        ({"holding_days": 91}, PayoutErrorCode.HOLDING_TOO_LONG, "holding_days"),
        ({"interval": "hourly"}, PayoutErrorCode.INVALID_SCHEDULE, "interval"),
        ({"interval": "monthly", "monthly_anchor": 31}, PayoutErrorCode.INVALID_SCHEDULE, "monthly_anchor"),
    ],
)
def test_a_bad_schedule_is_refused_and_changes_nothing(
    acme: Tenant, changes: dict[str, object], code: str, field: str
) -> None:
    services.set_payout_schedule(tenant=acme, actor=None, interval="weekly", holding_days=3)
    wanted: dict[str, object] = {"interval": "weekly", "holding_days": 5, **changes}
    with pytest.raises(PayoutError) as refused:
        services.set_payout_schedule(tenant=acme, actor=None, **wanted)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (code, field)
    schedule = PayoutSchedule.objects.get(tenant=acme)
    assert (schedule.interval, schedule.holding_days, schedule.minimum_amounts) == ("weekly", 3, {})


def test_periods_are_due_from_their_anchor_day() -> None:
    weekly = PayoutSchedule(interval="weekly", weekly_anchor=2)  # Wednesdays
    monday, wednesday, sunday = date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 29)
    assert services.due_period(schedule=weekly, today=monday) is None
    assert services.due_period(schedule=weekly, today=wednesday) == "2026-W48"
    assert services.due_period(schedule=weekly, today=sunday) == "2026-W48"  # caught up if a day was missed
    monthly = PayoutSchedule(interval="monthly", monthly_anchor=15)
    assert services.due_period(schedule=monthly, today=date(2026, 11, 14)) is None
    assert services.due_period(schedule=monthly, today=date(2026, 11, 20)) == "2026-11"
    assert services.due_period(schedule=PayoutSchedule(interval="daily"), today=monday) == "2026-11-23"


def test_running_the_payout_task_twice_pays_once(
    acme_paid_out: Tenant, stripe_stub: StripeStub, django_capture_on_commit_callbacks: object
) -> None:
    stripe_stub.on("POST", "/v1/payouts", payout_answer)
    matured_sale(acme_paid_out)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = services.run_due_payouts()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        second = services.run_due_payouts()
    [payout] = first
    assert second == [payout]
    payout.refresh_from_db()
    net = 10_000 - (300 + 59) - 320  # growth, USD: 3 % + 0.59; card fee 3.20
    assert (payout.status, payout.amount_minor, payout.currency) == (Payout.Status.SUBMITTED, net, "USD")
    [sent] = stripe_stub.calls("POST", "/v1/payouts")
    assert (sent.stripe_account, sent.idempotency_key, sent.params["amount"]) == (
        "acct_1Acme",
        payout.idempotency_key,
        str(net),
    )
    assert selectors.balances(tenant=acme_paid_out, currency="USD").available == Money(0, "USD")


def test_nothing_is_paid_out_below_the_minimum_or_before_the_holding_period(
    acme_paid_out: Tenant, stripe_stub: StripeStub
) -> None:
    matured_sale(acme_paid_out, unit_minor=900)  # leaves less than USD 10.00
    with tenant_context(acme_paid_out):
        record_processor_sale(
            order_value(currency="USD", unit_minor=50_000, quantity=1, event_ends_in_days=5)
        )
    assert services.run_due_payouts() == []
    assert stripe_stub.calls("POST", "/v1/payouts") == []


def test_a_refused_payout_returns_its_money_to_the_balance(
    acme_paid_out: Tenant, stripe_stub: StripeStub, django_capture_on_commit_callbacks: object
) -> None:
    stripe_stub.on(
        "POST",
        "/v1/payouts",
        lambda r: stripe_error(
            status=400,
            type="invalid_request_error",
            code="balance_insufficient",
            message="Insufficient funds.",
        ),
    )
    matured_sale(acme_paid_out)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [payout] = services.run_due_payouts()
    payout.refresh_from_db()
    assert (payout.status, payout.failure_code) == (Payout.Status.FAILED, "balance_insufficient")
    assert selectors.balances(tenant=acme_paid_out, currency="USD").available == Money(
        10_000 - 359 - 320, "USD"
    )
    assert selectors.trial_balances(tenant=acme_paid_out)["USD"].balanced


def test_a_payout_notice_from_the_processor_settles_the_payout(
    acme_paid_out: Tenant, stripe_stub: StripeStub, django_capture_on_commit_callbacks: object
) -> None:
    stripe_stub.on(
        "POST", "/v1/payouts", lambda r: (200, objects.payout(id="po_1Sent", amount=1, currency="usd"))
    )
    matured_sale(acme_paid_out)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [payout] = services.run_due_payouts()
    from billing.processor.connect import payout_from

    for _ in range(2):  # a repeated notice changes nothing
        services.settle_from_provider(
            state=payout_from(objects.payout(id="po_1Sent", amount=1, currency="usd", status="paid"))
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.settled_at is not None


def test_fees_due_on_reseller_collected_sales_are_taken_before_the_payout(
    acme_paid_out: Tenant, stripe_stub: StripeStub, django_capture_on_commit_callbacks: object
) -> None:
    stripe_stub.on("POST", "/v1/payouts", payout_answer)
    stripe_stub.on(
        "POST",
        "/v1/transfers",
        lambda r: (
            200,
            objects.transfer(
                amount=int(r.params["amount"]), currency="usd", destination="acct_1PlatformTickets"
            ),
        ),
    )
    with tenant_context(acme_paid_out):
        paid_order(price_minor=2500, quantity=2)  # box office: fees due 1.50 + 2 × 0.59
    matured_sale(acme_paid_out)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        [payout] = services.run_due_payouts()
    payout.refresh_from_db()
    assert payout.fees_settled_minor == 268
    assert payout.amount_minor == 10_000 - 359 - 320 - 268
    [transfer] = stripe_stub.calls("POST", "/v1/transfers")
    assert (transfer.params["amount"], transfer.stripe_account) == ("268", "acct_1Acme")
    assert selectors.balances(tenant=acme_paid_out, currency="USD").fees_due == Money(0, "USD")


# --- concurrency, with real commits on separate connections -------------------------------------


@pytest.fixture
def committed_acme(committed: None) -> Iterator[Tenant]:
    """acme with committed payout set-up in CHF (a currency no other test uses); removed afterwards."""
    tenant = Tenant.objects.get(schema_name="acme")
    PayoutAccount.objects.create(tenant=tenant, provider_account_id="acct_1Race", payouts_enabled=True)
    try:
        yield tenant
    finally:
        connection.close()  # threads' work is done; reopen on the test's connection
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ledger.allow_purge = 'on'")
            Payout.objects.filter(tenant=tenant, currency="CHF").delete()
            LedgerEntry.objects.filter(tenant=tenant, currency="CHF").delete()
            LedgerTransaction.objects.filter(tenant=tenant, currency="CHF").delete()
            PayoutAccount.objects.filter(tenant=tenant).delete()
            from tenants.models import AuditEntry

            AuditEntry.objects.filter(tenant=tenant, action__startswith="payout").delete()


def test_two_workers_paying_out_at_once_pay_once(committed_acme: Tenant, stripe_stub: StripeStub) -> None:
    stripe_stub.on("POST", "/v1/payouts", payout_answer)
    with tenant_context(committed_acme):
        record_processor_sale(
            order_value(currency="CHF", unit_minor=20_000, quantity=1, event_ends_in_days=-20)
        )
    now = timezone.now() + timedelta(minutes=1)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.pay_out(tenant=committed_acme, currency="CHF", period="race", now=now))
        except Exception as error:  # reported below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payouts = [result for result in results if isinstance(result, Payout)]
    assert len(payouts) == 4, results
    assert len({payout.pk for payout in payouts}) == 1
    assert Payout.objects.filter(tenant=committed_acme, currency="CHF").count() == 1
    assert LedgerTransaction.objects.filter(tenant=committed_acme, currency="CHF", kind="payout").count() == 1
    assert selectors.balances(tenant=committed_acme, currency="CHF").available == Money(0, "CHF")
    [sent] = stripe_stub.calls("POST", "/v1/payouts")  # sent after the one commit that recorded it
    assert sent.params["amount"] == "20000"
    assert Payout.objects.get(tenant=committed_acme, currency="CHF").status == Payout.Status.SUBMITTED
