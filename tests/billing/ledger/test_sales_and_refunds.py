"""Sales and refunds reach the ledger inside the order services' own transactions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction

from billing.ledger import selectors, services
from billing.ledger.errors import LedgerError, LedgerErrorCode
from billing.ledger.models import Account, LedgerEntry, LedgerTransaction, TransactionKind
from core.money import Money
from tenants.models import Tenant
from tests.billing.factories import order_value, paid_order, record_processor_sale, refund_value
from ticketing.orders.services import refund_order


def entries_of(transaction_: LedgerTransaction) -> set[tuple[str, str, int]]:
    return {(e.account, e.direction, e.amount_minor) for e in transaction_.entries.all()}


def test_marking_an_order_paid_records_the_sale_and_the_platform_fee(in_acme: Tenant) -> None:
    order = paid_order(price_minor=2500, quantity=2)  # growth: 3 % + USD 0.59 per ticket
    sale = LedgerTransaction.objects.get(tenant=in_acme, idempotency_key=f"sale:order:{order.pk}")
    assert (sale.kind, sale.currency, sale.source_code, sale.event_name) == (
        "sale",
        "USD",
        order.code,
        order.event.name,
    )
    fee = 150 + 2 * 59
    assert entries_of(sale) == {
        ("reseller_collected", "debit", 5000),
        ("sales", "credit", 5000),
        ("platform_fees", "debit", fee),
        ("fees_due", "credit", fee),
    }
    balances = selectors.balances(tenant=in_acme, currency="USD")
    assert balances.reseller_collected == Money(5000, "USD")
    assert balances.fees_due == Money(fee, "USD")


def test_refunds_are_recorded_with_the_order_and_cannot_exceed_the_sale(in_acme: Tenant) -> None:
    order = paid_order(price_minor=1000, quantity=3)
    first = order.tickets.first()
    assert first is not None
    refund_order(order=order, actor=None, ticket_ids=[first.pk])
    refund_order(order=order, actor=None)
    refunds = LedgerTransaction.objects.filter(
        tenant=in_acme, kind=TransactionKind.REFUND, source_id=order.pk
    )
    assert sorted(
        e.amount_minor for e in LedgerEntry.objects.filter(transaction__in=refunds, account="refunds")
    ) == [
        1000,
        2000,
    ]
    assert selectors.balances(tenant=in_acme, currency="USD").reseller_collected == Money(0, "USD")
    with transaction.atomic(), pytest.raises(LedgerError) as error:
        services.record_refund(order=order, refund=refund_value(amount_minor=1, currency="USD"))
    assert error.value.code == LedgerErrorCode.REFUND_EXCEEDS_SALE


def test_recording_the_same_sale_twice_returns_the_first_transaction(in_acme: Tenant) -> None:
    order = order_value(currency="USD")
    first = record_processor_sale(order, processor_fee_minor=175)
    again = record_processor_sale(order, processor_fee_minor=999)
    assert first is not None and again == first
    assert (
        LedgerTransaction.objects.filter(tenant=in_acme, idempotency_key=f"sale:order:{order.pk}").count()
        == 1
    )


def test_a_processor_sale_is_held_until_the_holding_period_after_the_event(in_acme: Tenant) -> None:
    order = order_value(currency="EUR", unit_minor=4000, quantity=1, event_ends_in_days=5)
    sale = record_processor_sale(order, processor_fee_minor=90)
    assert sale is not None
    held = selectors.balances(tenant=in_acme, currency="EUR")
    fee = 120 + 59  # growth, EUR: 3 % + 0.59
    assert held.pending == Money(4000 - fee - 90, "EUR") and held.available == Money(0, "EUR")
    held_until = sale.entries.filter(account=Account.PENDING).values_list("available_on", flat=True).first()
    assert held_until is not None
    with transaction.atomic():
        assert (
            services.release_matured_funds(
                tenant=in_acme, currency="EUR", now=held_until - timedelta(seconds=1)
            )
            is None
        )
        services.release_matured_funds(tenant=in_acme, currency="EUR", now=held_until)
    after = selectors.balances(tenant=in_acme, currency="EUR")
    assert (after.pending, after.available) == (Money(0, "EUR"), Money(4000 - fee - 90, "EUR"))


def test_a_refund_larger_than_the_balance_is_refused_and_changes_nothing(in_acme: Tenant) -> None:
    order = order_value(currency="EUR", unit_minor=1000, quantity=1)
    record_processor_sale(order, processor_fee_minor=50)  # held: 1000 - fee - 50 < 1000
    before = LedgerEntry.objects.count()
    with transaction.atomic(), pytest.raises(LedgerError) as error:
        services.record_refund(order=order, refund=refund_value(amount_minor=1000, currency="EUR"))
    assert error.value.code == LedgerErrorCode.INSUFFICIENT_BALANCE
    assert LedgerEntry.objects.count() == before


def test_a_refund_in_another_currency_is_refused(in_acme: Tenant) -> None:
    order = order_value(currency="EUR")
    record_processor_sale(order)
    with transaction.atomic(), pytest.raises(LedgerError) as error:
        services.record_refund(order=order, refund=refund_value(amount_minor=100, currency="USD"))
    assert error.value.code == LedgerErrorCode.CURRENCY_MISMATCH


def test_a_chargeback_may_take_the_available_balance_below_zero(in_acme: Tenant) -> None:
    order = order_value(currency="USD", unit_minor=5000, quantity=1)
    record_processor_sale(order, processor_fee_minor=175)
    with transaction.atomic():
        services.record_chargeback(
            tenant=in_acme,
            order_id=order.pk,
            amount=Money(5000, "USD"),
            dispute_fee=Money(1500, "USD"),
            dispute_id="dp_1",
        )
    after = selectors.balances(tenant=in_acme, currency="USD")
    assert after.pending == Money(0, "USD")
    assert after.available.amount_minor < 0
    assert selectors.trial_balances(tenant=in_acme)["USD"].balanced


def test_the_database_refuses_changes_to_ledger_rows(in_acme: Tenant) -> None:
    sale = record_processor_sale(order_value())
    assert sale is not None
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(transaction=sale).update(amount_minor=1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(transaction=sale).delete()


def test_the_database_refuses_an_unbalanced_transaction_at_commit(in_acme: Tenant) -> None:
    sale = record_processor_sale(order_value())
    assert sale is not None
    with pytest.raises(Exception, match="does not balance"), transaction.atomic():
        LedgerEntry.objects.create(
            transaction=sale,
            tenant=in_acme,
            currency="USD",
            account=Account.PAYOUTS,
            direction="debit",
            amount_minor=1,
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check


def test_the_database_refuses_entries_in_another_currency_than_their_transaction(in_acme: Tenant) -> None:
    sale = record_processor_sale(order_value(currency="USD"))
    assert sale is not None
    with pytest.raises(Exception, match="another currency"), transaction.atomic():
        for direction in ("debit", "credit"):
            LedgerEntry.objects.create(
                transaction=sale,
                tenant=in_acme,
                currency="EUR",
                account=Account.AVAILABLE,
                direction=direction,
                amount_minor=5,
            )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
