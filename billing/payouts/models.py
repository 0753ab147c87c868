"""Resellers' payout accounts (Stripe Connect), payout schedules and payouts (public schema)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from billing.ledger.models import LedgerTransaction
from core.money import MoneyAttribute
from tenants.models import Tenant


class PayoutAccount(models.Model):
    """The reseller's connected account at the processor, where its buyers' money lands."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        RESTRICTED = "restricted", "Restricted"

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="+")
    provider_account_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ONBOARDING)
    country = models.CharField(max_length=2, blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.provider_account_id


class PayoutSchedule(models.Model):
    """When a reseller is paid: interval, minimum amounts and holding period after the event."""

    class Interval(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="+")
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.WEEKLY)
    weekly_anchor = models.PositiveSmallIntegerField(default=0, help_text="0 = Monday … 6 = Sunday.")
    monthly_anchor = models.PositiveSmallIntegerField(default=1, help_text="Day of the month, 1–28.")
    holding_days = models.PositiveSmallIntegerField(
        default=3, help_text="Days after an event ends before its money may be paid out."
    )
    minimum_amounts = models.JSONField(
        default=dict, blank=True, help_text='Smallest payout per currency, minor units: {"EUR": 2500}.'
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekly_anchor__lte=6), name="payout_weekly_anchor_weekday"),
            models.CheckConstraint(
                condition=Q(monthly_anchor__gte=1, monthly_anchor__lte=28), name="payout_monthly_anchor_day"
            ),
            models.CheckConstraint(condition=Q(holding_days__lte=90), name="payout_holding_at_most_90_days"),
        ]

    def __str__(self) -> str:
        return f"{self.get_interval_display()} payouts for {self.tenant_id}"


class Payout(models.Model):
    """Money sent from the reseller's available balance to its bank, once per schedule period."""

    class Status(models.TextChoices):
        PENDING = "pending", "Recorded, not yet sent"
        SUBMITTED = "submitted", "Sent to the processor"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed (money returned to the balance)"

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    fees_settled_minor = models.BigIntegerField(
        default=0, help_text="Platform fees due on reseller-collected sales, taken from the same balance."
    )
    period = models.CharField(
        max_length=16, help_text="The schedule period paid: 2026-11-30, 2026-W48, 2026-11."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_payout_id = models.CharField(max_length=64, blank=True)
    provider_fee_transfer_id = models.CharField(max_length=64, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    ledger_transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    covers_from = models.DateTimeField(
        null=True, blank=True, help_text="End of the previous payout's period."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "currency", "period"], name="payout_once_per_period_and_currency"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="payout_amount_not_negative"),
            models.CheckConstraint(condition=Q(fees_settled_minor__gte=0), name="payout_fees_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0) | Q(fees_settled_minor__gt=0), name="payout_moves_money"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="payout_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"Payout {self.amount} {self.period}"

    amount = MoneyAttribute("amount_minor")
    fees_settled = MoneyAttribute("fees_settled_minor")

    @property
    def idempotency_key(self) -> str:
        """Sent with the processor calls, so a retried call never pays twice."""
        return f"payout-{self.tenant_id}-{self.currency}-{self.period}"
