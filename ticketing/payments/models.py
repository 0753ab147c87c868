"""Buyers' payments of orders, disputes on them, and the provider events already applied (tenant schema).

Refunds are the orders app's ``Refund`` rows; the provider's side of a refund (its id and
state) is kept on them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyAttribute
from ticketing.orders.models import Order

OPEN_STATUSES = ("creating", "requires_action", "processing")


class Payment(models.Model):
    """One attempt to pay an order through a provider (a card PaymentIntent, a bank transfer)."""

    class Status(models.TextChoices):
        CREATING = "creating", _("Being created")
        REQUIRES_ACTION = "requires_action", _("Awaiting card authentication")
        PROCESSING = "processing", _("Processing")
        PENDING = "pending", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=32)
    method = models.CharField(max_length=16, help_text="The order's payment method this attempt uses.")
    provider_reference = models.CharField(
        max_length=255, blank=True, help_text="The provider's id, e.g. a PaymentIntent id."
    )
    provider_account = models.CharField(max_length=64, blank=True, help_text="Connected account charged.")
    payment_method_reference = models.CharField(
        max_length=255,
        blank=True,
        help_text="The provider's token for the buyer's card (pm_…), never card data.",
    )
    client_secret = models.CharField(
        max_length=255, blank=True, help_text="Lets the buyer's browser finish 3-D Secure; not a card secret."
    )
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    platform_fee_minor = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="succeeded"), name="payment_one_success_per_order"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(status__in=OPEN_STATUSES), name="payment_one_open_per_order"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="payment_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} payment {self.provider_reference or self.pk} of {self.order}"

    amount = MoneyAttribute("amount_minor")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Dispute(models.Model):
    """A buyer's bank disputes a card payment (a chargeback); the ledger takes it if it is lost."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="disputes")
    provider_reference = models.CharField(max_length=255, unique=True)
    amount_minor = models.PositiveIntegerField()
    fee_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"Dispute {self.provider_reference} on {self.order}"

    amount = MoneyAttribute("amount_minor")


class ProviderEvent(models.Model):
    """A provider's webhook event applied to this shop: a second delivery of it changes nothing."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=80)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class PaymentOptions(models.Model):
    """The payment methods the reseller offers at checkout (one row per shop; defaults without it)."""

    card_enabled = models.BooleanField(default=True)
    bank_transfer_enabled = models.BooleanField(default=True)
    box_office_enabled = models.BooleanField(default=True)
    bank_transfer_instructions = models.TextField(
        blank=True,
        help_text="Account holder, IBAN/BIC or account number shown to buyers who pay by transfer.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "payment options"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="payment_options_single_row")]

    def __str__(self) -> str:
        return "Payment options"
