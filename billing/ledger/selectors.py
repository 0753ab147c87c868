"""Reading the ledger: balances are sums of entries, per reseller, currency and account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, IntegerField, QuerySet, Sum, Value, When

from billing.ledger.models import CREDIT_NORMAL, Account, Direction, LedgerEntry, LedgerTransaction
from core.money import Money
from tenants.models import Tenant


def _signed() -> Case:
    """An entry's effect on its account in the account's normal direction."""
    return Case(
        When(account__in=list(CREDIT_NORMAL), direction=Direction.CREDIT, then=F("amount_minor")),
        When(account__in=list(CREDIT_NORMAL), direction=Direction.DEBIT, then=-F("amount_minor")),
        When(direction=Direction.DEBIT, then=F("amount_minor")),
        default=-F("amount_minor"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Balances:
    """One reseller's balances in one currency."""

    currency: str
    by_account: dict[str, int]

    def _money(self, account: Account) -> Money:
        return Money(self.by_account.get(account, 0), self.currency)

    @property
    def pending(self) -> Money:
        return self._money(Account.PENDING)

    @property
    def available(self) -> Money:
        return self._money(Account.AVAILABLE)

    @property
    def at_processor(self) -> Money:
        """What the processor holds for the reseller: pending and available together."""
        return self.pending + self.available

    @property
    def reseller_collected(self) -> Money:
        return self._money(Account.RESELLER_COLLECTED)

    @property
    def fees_due(self) -> Money:
        return self._money(Account.FEES_DUE)

    def __getitem__(self, account: Account) -> Money:
        return self._money(account)


def balances(*, tenant: Tenant, currency: str) -> Balances:
    rows = (
        LedgerEntry.objects.filter(tenant=tenant, currency=currency)
        .values("account")
        .annotate(balance=Sum(_signed()))
    )
    return Balances(currency=currency, by_account={row["account"]: int(row["balance"]) for row in rows})


def currencies_of(*, tenant: Tenant) -> list[str]:
    return sorted(set(LedgerEntry.objects.filter(tenant=tenant).values_list("currency", flat=True)))


def pending_bucket(*, tenant: Tenant, currency: str, available_on: datetime) -> Money:
    """What is still held of the money that becomes available at ``available_on``."""
    total = LedgerEntry.objects.filter(
        tenant=tenant, currency=currency, account=Account.PENDING, available_on=available_on
    ).aggregate(balance=Sum(_signed()))["balance"]
    return Money(int(total or 0), currency)


def matured_buckets(*, tenant: Tenant, currency: str, now: datetime) -> list[tuple[datetime, int]]:
    """Held money whose holding period has passed, by the time it became available."""
    rows = (
        LedgerEntry.objects.filter(
            tenant=tenant, currency=currency, account=Account.PENDING, available_on__lte=now
        )
        .values("available_on")
        .annotate(balance=Sum(_signed()))
        .order_by("available_on")
    )
    return [
        (row["available_on"], int(row["balance"])) for row in rows if row["balance"] and row["available_on"]
    ]


@dataclass(frozen=True)
class TrialBalance:
    currency: str
    debits_minor: int
    credits_minor: int

    @property
    def balanced(self) -> bool:
        return self.debits_minor == self.credits_minor


def trial_balances(*, tenant: Tenant | None = None) -> dict[str, TrialBalance]:
    """Sum of debits and of credits per currency (the whole platform, or one reseller)."""
    entries: QuerySet[LedgerEntry] = LedgerEntry.objects.all()
    if tenant is not None:
        entries = entries.filter(tenant=tenant)
    sums: dict[str, dict[str, int]] = defaultdict(lambda: {"debit": 0, "credit": 0})
    for row in entries.values("currency", "direction").annotate(total=Sum("amount_minor")):
        sums[row["currency"]][row["direction"]] = int(row["total"])
    return {
        currency: TrialBalance(currency, debits_minor=pair["debit"], credits_minor=pair["credit"])
        for currency, pair in sorted(sums.items())
    }


def unbalanced_transactions(*, tenant: Tenant | None = None) -> list[int]:
    """Ids of transactions whose debits and credits differ (the database refuses them at commit)."""
    transactions = LedgerTransaction.objects.all()
    if tenant is not None:
        transactions = transactions.filter(tenant=tenant)
    debit = Sum(
        Case(When(entries__direction=Direction.DEBIT, then=F("entries__amount_minor")), default=Value(0))
    )
    credit = Sum(
        Case(When(entries__direction=Direction.CREDIT, then=F("entries__amount_minor")), default=Value(0))
    )
    return list(
        transactions.annotate(debit=debit, credit=credit)
        .exclude(debit=F("credit"))
        .values_list("pk", flat=True)
    )


def sale_transaction(*, tenant: Tenant, order_id: int) -> LedgerTransaction | None:
    return LedgerTransaction.objects.filter(tenant=tenant, idempotency_key=f"sale:order:{order_id}").first()


def refunded_on_sale(*, tenant: Tenant, order_id: int) -> int:
    total = LedgerEntry.objects.filter(
        tenant=tenant,
        transaction__source_type="order",
        transaction__source_id=order_id,
        transaction__kind="refund",
        account=Account.REFUNDS,
        direction=Direction.DEBIT,
    ).aggregate(total=Sum("amount_minor"))["total"]
    return int(total or 0)
