"""Orders, their lines, the tickets they issue and the refunds made on them (tenant schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import Money, MoneyAttribute
from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.inventory.models import Hold, Stock


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        EXPIRED = "expired", _("Expired")

    class PaymentMethod(models.TextChoices):
        PAY_LATER = "pay_later", _("Pay later (bank transfer or at the box office)")
        FREE = "free", _("Free")
        CARD = "card", _("Card")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        BOX_OFFICE = "box_office", _("Pay at the box office")
        # Taken at the box office's desk: the order is paid as it is placed.
        CASH = "cash", _("Cash at the box office")
        CARD_TERMINAL = "card_terminal", _("Card terminal at the box office")

    code = models.CharField(max_length=12, unique=True, help_text="Short code the buyer quotes.")
    secret = models.CharField(max_length=43, help_text="Part of the buyer's private links.")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="orders")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="order")
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    buyer_name = models.CharField(max_length=150)
    buyer_email = models.EmailField(db_index=True)
    buyer_phone = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField(help_text="Catalog prices of the lines, before discounts.")
    discount_minor = models.PositiveIntegerField(default=0)
    net_minor = models.PositiveIntegerField(default=0, help_text="Total without tax.")
    tax_minor = models.PositiveIntegerField(default=0, help_text="The sum of the lines' taxes.")
    total_minor = models.PositiveIntegerField(help_text="What the buyer pays, tax included.")
    prices_include_tax = models.BooleanField(
        default=True, help_text="VAT included, or sales tax added on top."
    )
    tax_jurisdiction = models.CharField(max_length=6, blank=True)
    reverse_charge = models.BooleanField(default=False)
    region = models.CharField(max_length=16, blank=True, help_text="The buyer's region when ordering.")
    buyer_vat_id = models.CharField(max_length=20, blank=True)
    refunded_minor = models.PositiveIntegerField(default=0)
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    promo_code = models.CharField(max_length=64, blank=True)
    language = models.CharField(
        max_length=10,
        blank=True,
        help_text="The buyer's language when ordering: e-mails and documents use it.",
    )
    payment_due_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor=F("net_minor") + F("tax_minor")), name="order_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(prices_include_tax=False)
                | Q(reverse_charge=True)
                | Q(total_minor=F("subtotal_minor") - F("discount_minor")),
                name="order_tax_included_in_price",
            ),
            models.CheckConstraint(
                condition=Q(prices_include_tax=True) | Q(net_minor=F("subtotal_minor") - F("discount_minor")),
                name="order_tax_added_to_price",
            ),
            models.CheckConstraint(
                condition=Q(reverse_charge=False)
                | Q(tax_minor=0, net_minor__lte=F("subtotal_minor") - F("discount_minor")),
                name="order_reverse_charge_untaxed",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("total_minor")), name="order_refund_within_total"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="order_currency_iso"),
        ]
        indexes = [
            models.Index(
                fields=["payment_due_at"], condition=Q(status="pending_payment"), name="unpaid_orders_by_due"
            )
        ]

    def __str__(self) -> str:
        return f"Order {self.code}"

    total = MoneyAttribute("total_minor")
    subtotal = MoneyAttribute("subtotal_minor")
    discount = MoneyAttribute("discount_minor")
    net = MoneyAttribute("net_minor")
    tax = MoneyAttribute("tax_minor")
    refunded = MoneyAttribute("refunded_minor")

    @property
    def is_open(self) -> bool:
        """Tickets are valid: the order is paid, or awaiting a pay-later payment (card orders: once paid)."""
        if self.status == self.Status.PENDING_PAYMENT:
            return self.payment_method != self.PaymentMethod.CARD
        return self.status in (self.Status.PAID, self.Status.PARTIALLY_REFUNDED)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, null=True, blank=True)
    addon = models.ForeignKey(AddOn, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField(default=0)
    total_minor = models.PositiveIntegerField(
        help_text="Price after discounts: unit price × quantity - discount."
    )
    tax_rate_bp = models.PositiveIntegerField(default=0, help_text="Basis points: 1,900 = 19 %.")
    net_minor = models.PositiveIntegerField(default=0)
    tax_minor = models.PositiveIntegerField(default=0)
    gross_minor = models.PositiveIntegerField(default=0, help_text="What the buyer pays for the line.")
    returned_quantity = models.PositiveIntegerField(default=0, help_text="Units cancelled or refunded.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(total_minor=F("unit_price_minor") * F("quantity") - F("discount_minor")),
                name="order_line_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")), name="order_line_returns_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(gross_minor=F("net_minor") + F("tax_minor")),
                name="order_line_gross_is_net_plus_tax",
            ),
            models.CheckConstraint(
                # VAT included (gross = price), sales tax added (net = price), or reverse charge (no tax)
                condition=Q(gross_minor=F("total_minor")) | Q(net_minor=F("total_minor")) | Q(tax_minor=0),
                name="order_line_tax_from_price",
            ),
            models.CheckConstraint(condition=Q(tax_rate_bp__lte=10_000), name="order_line_rate_at_most_100"),
            models.CheckConstraint(
                condition=Q(ticket_type__isnull=True, addon__isnull=False)
                | Q(ticket_type__isnull=False, addon__isnull=True),
                name="order_line_is_ticket_or_addon",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    def unit_refund_minor(self, units: int) -> int:
        """What ``units`` of this line cost the buyer (after its discount, tax included), shared out
        without losing a cent: the line's units together give back exactly what it cost."""
        return self._share(self.gross_minor, units)

    def unit_tax_minor(self, units: int) -> int:
        """The tax in ``units`` of this line, shared out as unit_refund_minor shares the price."""
        return self._share(self.tax_minor, units)

    def _share(self, amount: int, units: int) -> int:
        return (amount * (self.returned_quantity + units)) // self.quantity - (
            amount * self.returned_quantity
        ) // self.quantity


class Refund(models.Model):
    class ProviderStatus(models.TextChoices):
        NONE = "", _("Handed back by the reseller")
        PENDING = "pending", _("Sent to the provider")
        SUCCEEDED = "succeeded", _("Refunded by the provider")
        FAILED = "failed", _("Refused by the provider")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Card refunds: the money goes back through the payment's provider after the refund commits.
    provider = models.CharField(max_length=32, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True, help_text="e.g. a Stripe refund id.")
    provider_status = models.CharField(
        max_length=12, choices=ProviderStatus.choices, blank=True, default=ProviderStatus.NONE
    )
    provider_failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="refund_provider_reference_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Refund of {Money(self.amount_minor, self.currency)} on {self.order}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    public_id = models.CharField(max_length=32, unique=True, help_text="Unguessable: 128 random bits.")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="tickets")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    attendee_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALID)
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Ticket {self.public_id}"
