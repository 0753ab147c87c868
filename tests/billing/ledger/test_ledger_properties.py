"""Property test: random sequences of sales, refunds, chargebacks, releases and payouts in two
currencies never unbalance the ledger, never mix currencies, never pay out more than is
available, and never leave a balance below zero unless chargebacks forced it.

Each hypothesis example runs against the real PostgreSQL ledger inside a savepoint that is
rolled back afterwards, in acme's schema (where order services record sales).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from billing.ledger import selectors, services
from billing.ledger.errors import LedgerError, LedgerErrorCode
from billing.ledger.models import Account, LedgerEntry
from billing.payouts import services as payouts
from billing.payouts.models import Payout
from core.money import Money
from tenants.models import Tenant
from tests.billing.factories import OrderValue, order_value, refund_value

CURRENCIES = ("USD", "EUR")


def run_ledger_machine(tenant: Tenant, *, examples: int, steps: int) -> None:
    class LedgerMachine(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.savepoint = transaction.savepoint()
            self.clock = timezone.now()
            self.sales: list[tuple[OrderValue, str]] = []  # order, collected_by
            self.refunded: dict[int, int] = {}
            self.chargebacks: dict[str, int] = dict.fromkeys(CURRENCIES, 0)
            self.periods = 0

        def teardown(self) -> None:
            if hasattr(self, "savepoint"):
                transaction.savepoint_rollback(self.savepoint)

        @rule(
            currency=st.sampled_from(CURRENCIES),
            unit=st.integers(min_value=0, max_value=20_000),
            quantity=st.integers(min_value=1, max_value=6),
            ends_in=st.integers(min_value=-10, max_value=40),
            processor=st.booleans(),
            processor_fee=st.integers(min_value=0, max_value=400),
        )
        def sell(
            self, currency: str, unit: int, quantity: int, ends_in: int, processor: bool, processor_fee: int
        ) -> None:
            order = order_value(
                currency=currency, unit_minor=unit, quantity=quantity, event_ends_in_days=ends_in
            )
            collected_by = services.CollectedBy.PROCESSOR if processor else services.CollectedBy.RESELLER
            fee = min(processor_fee, order.total_minor) if processor else 0
            with transaction.atomic():
                sale = services.record_sale(order=order, collected_by=collected_by, processor_fee_minor=fee)
            if sale is not None:
                self.sales.append((order, collected_by))

        @precondition(lambda self: bool(self.sales))
        @rule(data=st.data(), share=st.one_of(st.just(100), st.integers(min_value=1, max_value=100)))
        def refund(self, data: st.DataObject, share: int) -> None:
            order, _ = data.draw(st.sampled_from(self.sales))
            left = order.total_minor - self.refunded.get(order.pk, 0)
            amount = max(1, left * share // 100)
            before = LedgerEntry.objects.count()
            available_before = selectors.balances(
                tenant=tenant, currency=order.currency
            ).available.amount_minor
            try:
                with transaction.atomic():
                    services.record_refund(
                        order=order, refund=refund_value(amount_minor=amount, currency=order.currency)
                    )
            except LedgerError as error:
                assert error.code in (
                    LedgerErrorCode.INSUFFICIENT_BALANCE,
                    LedgerErrorCode.REFUND_EXCEEDS_SALE,
                )
                assert error.code != LedgerErrorCode.REFUND_EXCEEDS_SALE or amount > left
                assert LedgerEntry.objects.count() == before  # refused: nothing written
            else:
                assert amount <= left
                self.refunded[order.pk] = self.refunded.get(order.pk, 0) + amount
                # A refund never takes the available balance below zero (only chargebacks may).
                available = selectors.balances(tenant=tenant, currency=order.currency).available.amount_minor
                assert available >= min(available_before, 0)

        @precondition(lambda self: any(by == services.CollectedBy.PROCESSOR for _, by in self.sales))
        @rule(data=st.data(), dispute_fee=st.integers(min_value=0, max_value=2_000))
        def charge_back(self, data: st.DataObject, dispute_fee: int) -> None:
            order, _ = data.draw(
                st.sampled_from([s for s in self.sales if s[1] == services.CollectedBy.PROCESSOR])
            )
            with transaction.atomic():
                services.record_chargeback(
                    tenant=tenant,
                    order_id=order.pk,
                    amount=Money(order.total_minor, order.currency),
                    dispute_fee=Money(dispute_fee, order.currency),
                    dispute_id=f"dp_{order.pk}_{len(self.sales)}_{dispute_fee}",
                )
            self.chargebacks[order.currency] += order.total_minor + dispute_fee

        @rule(days=st.integers(min_value=1, max_value=30))
        def time_passes(self, days: int) -> None:
            self.clock += timedelta(days=days)

        @rule(currency=st.sampled_from(CURRENCIES))
        def release(self, currency: str) -> None:
            with transaction.atomic():
                services.release_matured_funds(tenant=tenant, currency=currency, now=self.clock)

        @rule(currency=st.sampled_from(CURRENCIES), twice=st.booleans())
        def scheduled_payout(self, currency: str, twice: bool) -> None:
            self.periods += 1
            period = f"P{self.periods}"
            with transaction.atomic():  # what pay_out sees: held money released, fees due settled
                services.release_matured_funds(tenant=tenant, currency=currency, now=self.clock)
            before = selectors.balances(tenant=tenant, currency=currency)
            payout = payouts.pay_out(tenant=tenant, currency=currency, period=period, now=self.clock)
            if payout is not None:
                assert payout.amount_minor + payout.fees_settled_minor <= before.available.amount_minor
                assert payout.fees_settled_minor <= before.fees_due.amount_minor
            if twice:  # the task running again in the same period pays nothing more
                assert (
                    payouts.pay_out(tenant=tenant, currency=currency, period=period, now=self.clock) == payout
                )
            assert Payout.objects.filter(tenant=tenant, currency=currency, period=period).count() == (
                1 if payout else 0
            )

        @rule(currency=st.sampled_from(CURRENCIES), extra=st.integers(min_value=-5_000, max_value=5_000))
        def direct_payout(self, currency: str, extra: int) -> None:
            available = selectors.balances(tenant=tenant, currency=currency).available.amount_minor
            amount = available + extra
            if amount <= 0:
                return
            self.periods += 1
            try:
                with transaction.atomic():
                    services.record_payout(
                        tenant=tenant,
                        amount=Money(amount, currency),
                        key=f"direct-{self.periods}",
                        now=self.clock,
                    )
            except LedgerError as error:
                assert error.code == LedgerErrorCode.INSUFFICIENT_BALANCE and amount > available
            else:
                assert amount <= available

        @invariant()
        def debits_equal_credits_per_currency(self) -> None:
            for currency, trial in selectors.trial_balances(tenant=tenant).items():
                assert trial.balanced, (
                    f"{currency}: debits {trial.debits_minor} ≠ credits {trial.credits_minor}"
                )
            assert selectors.unbalanced_transactions(tenant=tenant) == []

        @invariant()
        def currencies_never_mix(self) -> None:
            mixed = LedgerEntry.objects.filter(tenant=tenant).exclude(currency=F("transaction__currency"))
            assert not mixed.exists()

        @invariant()
        def no_balance_below_zero_unless_charged_back(self) -> None:
            for currency in CURRENCIES:
                balances = selectors.balances(tenant=tenant, currency=currency)
                assert balances.reseller_collected.amount_minor >= 0
                assert balances.fees_due.amount_minor >= 0
                assert balances.pending.amount_minor >= 0
                buckets = LedgerEntry.objects.filter(
                    tenant=tenant, currency=currency, account=Account.PENDING
                )
                for held_until in set(buckets.values_list("available_on", flat=True)):
                    assert held_until is not None
                    held = selectors.pending_bucket(tenant=tenant, currency=currency, available_on=held_until)
                    assert held.amount_minor >= 0, f"held money for {held_until} below zero"
                # Only chargebacks may take the available balance below zero, and by no more than they took.
                assert balances.available.amount_minor >= -self.chargebacks[currency]

    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db
def test_random_money_movements_keep_the_ledger_balanced(in_acme: Tenant) -> None:
    # LEDGER_PROPERTY_EXAMPLES=500 for a deeper run; the default keeps the suite's time.
    run_ledger_machine(in_acme, examples=int(os.environ.get("LEDGER_PROPERTY_EXAMPLES", "20")), steps=25)
