"""Orders, their lines, the tickets they issue and the refunds made on them (tenant schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import Money
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
    subtotal_minor = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField(default=0)
    total_minor = models.PositiveIntegerField()
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
                condition=Q(total_minor=F("subtotal_minor") - F("discount_minor")), name="order_total_adds_up"
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

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.currency)

    @property
    def subtotal(self) -> Money:
        return Money(self.subtotal_minor, self.currency)

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.currency)

    @property
    def refunded(self) -> Money:
        return Money(self.refunded_minor, self.currency)

    @property
    def is_open(self) -> bool:
        """Tickets are valid: the order is paid or awaiting its pay-later payment."""
        return self.status in (self.Status.PENDING_PAYMENT, self.Status.PAID, self.Status.PARTIALLY_REFUNDED)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, null=True, blank=True)
    addon = models.ForeignKey(AddOn, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField(default=0)
    total_minor = models.PositiveIntegerField()
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
                condition=Q(ticket_type__isnull=True, addon__isnull=False)
                | Q(ticket_type__isnull=False, addon__isnull=True),
                name="order_line_is_ticket_or_addon",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    def unit_refund_minor(self, units: int) -> int:
        """What ``units`` of this line are worth after its discount, shared out without losing a cent."""
        remaining_units = self.quantity - self.returned_quantity
        if units == remaining_units:
            already = (self.total_minor * self.returned_quantity) // self.quantity
            return self.total_minor - already
        return (self.total_minor * (self.returned_quantity + units)) // self.quantity - (
            self.total_minor * self.returned_quantity
        ) // self.quantity


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

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
