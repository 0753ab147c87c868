"""Invoices and credit notes (tenant schema), numbered without gaps per reseller.

A number is taken from the series' counter row, locked by an UPDATE in the transaction
that writes the invoice: two invoices issued at once wait for each other, a rolled-back
transaction gives its number back with it, so the numbers issued have no gaps. An issued
invoice is never deleted or renumbered; a refund gets a credit note of its own.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyAttribute
from ticketing.orders.models import Order, Refund


class Series(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


PREFIXES = {Series.INVOICE: "INV-", Series.CREDIT_NOTE: "CN-"}


class InvoiceCounter(models.Model):
    """The last number issued in a series: the row every issuing transaction locks."""

    series = models.CharField(max_length=16, choices=Series.choices, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"


class Invoice(models.Model):
    """An invoice for a paid order, or a credit note for a refund; amounts are positive on both."""

    series = models.CharField(max_length=16, choices=Series.choices)
    number = models.PositiveIntegerField()
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    credits = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    refund = models.OneToOneField(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_note"
    )
    issued_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    net_minor = models.PositiveIntegerField()
    tax_minor = models.PositiveIntegerField()
    total_minor = models.PositiveIntegerField()
    prices_include_tax = models.BooleanField(default=True)
    reverse_charge = models.BooleanField(default=False)
    tax_jurisdiction = models.CharField(max_length=6, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # What the document shows of seller and buyer, as it was when issued.
    seller_name = models.CharField(max_length=200)
    seller_lines = models.JSONField(default=list, blank=True)
    seller_country = models.CharField(max_length=2, blank=True)
    buyer_name = models.CharField(max_length=150)
    buyer_email = models.EmailField()
    buyer_vat_id = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_number_once_per_series"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(series="invoice"), name="one_invoice_per_order"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="invoice_number_positive"),
            models.CheckConstraint(
                condition=Q(total_minor=F("net_minor") + F("tax_minor")), name="invoice_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(series="invoice", credits__isnull=True)
                | Q(series="credit_note", credits__isnull=False),
                name="credit_note_credits_an_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{PREFIXES[Series(self.series)]}{self.number:06d}"

    @property
    def is_credit_note(self) -> bool:
        return self.series == Series.CREDIT_NOTE

    total = MoneyAttribute("total_minor")
    net = MoneyAttribute("net_minor")
    tax = MoneyAttribute("tax_minor")


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    tax_rate_bp = models.PositiveIntegerField(default=0)
    net_minor = models.PositiveIntegerField()
    tax_minor = models.PositiveIntegerField()
    gross_minor = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross_minor=F("net_minor") + F("tax_minor")),
                name="invoice_line_gross_is_net_plus_tax",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"
