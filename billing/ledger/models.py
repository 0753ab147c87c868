"""The platform's double-entry ledger of resellers' money (public schema). Append-only.

Every money movement is one LedgerTransaction of one reseller in one currency, made of
entries whose debits equal their credits. Balances are sums of entries, never stored.
The database enforces what the services do by construction (migration 0002): entries
cannot be changed or deleted, and at commit every transaction must balance, with its
entries in its own reseller and currency.

Accounts, per reseller and currency, seen from the reseller's side:

  debit-normal (their balance is debits - credits)
    pending             money at the processor on the reseller's behalf, held until the
                        holding period after the event has passed (entries carry available_on)
    available           money at the processor that may be paid out
    reseller_collected  money the reseller took in itself (box office, bank transfer)
    refunds, platform_fees, processor_fees, chargebacks, payouts   where money went
  credit-normal (credits - debits)
    sales               what buyers paid
    fees_due            platform fees on reseller-collected sales, not yet settled
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.money import MoneyAttribute
from tenants.models import Tenant


class Account(models.TextChoices):
    PENDING = "pending", "Pending (held)"
    AVAILABLE = "available", "Available for payout"
    RESELLER_COLLECTED = "reseller_collected", "Collected by the reseller"
    SALES = "sales", "Sales"
    REFUNDS = "refunds", "Refunds"
    PLATFORM_FEES = "platform_fees", "Platform fees"
    PROCESSOR_FEES = "processor_fees", "Processor fees"
    CHARGEBACKS = "chargebacks", "Chargebacks"
    PAYOUTS = "payouts", "Payouts"
    FEES_DUE = "fees_due", "Platform fees due"


CREDIT_NORMAL = frozenset({Account.SALES, Account.FEES_DUE})


class Direction(models.TextChoices):
    DEBIT = "debit", "Debit"
    CREDIT = "credit", "Credit"


class TransactionKind(models.TextChoices):
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"
    CHARGEBACK = "chargeback", "Chargeback"
    PROCESSOR_FEE = "processor_fee", "Processor fee"
    RELEASE = "release", "Release of held funds"
    FEE_SETTLEMENT = "fee_settlement", "Settlement of platform fees due"
    PAYOUT = "payout", "Payout"
    PAYOUT_REVERSAL = "payout_reversal", "Failed payout returned"


class LedgerBook(models.Model):
    """One reseller's books in one currency: the row that balance-drawing writers lock."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "currency"], name="ledger_book_per_tenant_currency"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_book_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}/{self.currency}"


class LedgerTransaction(models.Model):
    """One money movement of one reseller in one currency; its entries balance."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    idempotency_key = models.CharField(
        max_length=120, help_text="Recording the same movement twice returns this transaction."
    )
    occurred_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What it came from, as references into the reseller's schema (never a foreign key across
    # schemas) and a snapshot of what statements show, so reports never read tenant rows.
    source_type = models.CharField(max_length=20, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_code = models.CharField(max_length=40, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)
    event_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    provider_reference = models.CharField(max_length=120, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"], name="ledger_transaction_idempotent"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_transaction_currency_iso"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "currency", "occurred_at"], name="ledger_tx_tenant_time"),
            models.Index(fields=["tenant", "source_type", "source_id"], name="ledger_tx_source"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class LedgerEntry(models.Model):
    """One side of a transaction on one account; amounts are positive minor units."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    # Copied from the transaction (the balance trigger checks they agree) so balances are
    # one indexed scan of this table.
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    account = models.CharField(max_length=20, choices=Account.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    amount_minor = models.BigIntegerField()
    available_on = models.DateTimeField(
        null=True, blank=True, help_text="Pending entries: when the held money may be paid out."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="ledger_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(account="pending", available_on__isnull=False)
                | (~Q(account="pending") & Q(available_on__isnull=True)),
                name="ledger_entry_available_on_for_pending_only",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "currency", "account"], name="ledger_entry_balance")]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.direction} {self.account} {self.money}"

    money = MoneyAttribute("amount_minor")

    @property
    def signed_minor(self) -> int:
        """The entry's effect on its account's balance in the account's normal direction."""
        normal = Direction.CREDIT if self.account in CREDIT_NORMAL else Direction.DEBIT
        return self.amount_minor if self.direction == normal else -self.amount_minor


class ReconciliationRun(models.Model):
    """One comparison of the ledger with what the processor holds for every reseller."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    accounts_checked = models.PositiveIntegerField(default=0)
    mismatch_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Reconciliation {self.started_at:%Y-%m-%d %H:%M}: {self.mismatch_count} mismatch(es)"


class ReconciliationMismatch(models.Model):
    class Kind(models.TextChoices):
        BALANCE = "balance", "Balance differs"
        PROVIDER_ERROR = "provider_error", "Processor could not be read"
        UNMATCHED = "unmatched", "Processor movement missing in the ledger"
        AMOUNT = "amount", "Movement amount differs"

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="mismatches")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BALANCE)
    currency = models.CharField(max_length=3, blank=True)
    ledger_minor = models.BigIntegerField(default=0)
    provider_minor = models.BigIntegerField(default=0)
    provider_reference = models.CharField(
        max_length=120, blank=True, help_text="The processor's balance transaction, for movement mismatches."
    )
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["run", "tenant", "currency"]
        verbose_name_plural = "reconciliation mismatches"

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.currency}: {self.ledger_minor} vs {self.provider_minor}"

    @property
    def difference_minor(self) -> int:
        return self.provider_minor - self.ledger_minor
