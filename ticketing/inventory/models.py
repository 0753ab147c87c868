"""Inventory counters and holds (tenant schema).

One Stock row per event (its overall capacity), per ticket type and per add-on. A sale or
a hold moves numbers on these rows only through ticketing.inventory.locking, and the
database itself refuses a row where held + sold exceeds capacity.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from ticketing.catalog.models import AddOn, Event, TicketType


class Stock(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stocks")
    ticket_type = models.OneToOneField(
        TicketType, on_delete=models.CASCADE, null=True, blank=True, related_name="stock"
    )
    addon = models.OneToOneField(AddOn, on_delete=models.CASCADE, null=True, blank=True, related_name="stock")
    capacity = models.PositiveIntegerField()
    held = models.PositiveIntegerField(default=0)
    sold = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(held__gte=0) & Q(sold__gte=0) & Q(capacity__gte=F("held") + F("sold")),
                name="stock_never_oversold",
            ),
            models.CheckConstraint(
                condition=Q(ticket_type__isnull=True) | Q(addon__isnull=True),
                name="stock_counts_one_thing",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(ticket_type__isnull=True, addon__isnull=True),
                name="one_capacity_stock_per_event",
            ),
        ]

    def __str__(self) -> str:
        what = self.ticket_type or self.addon or self.event
        return f"{what}: {self.sold} sold, {self.held} held of {self.capacity}"

    @property
    def available(self) -> int:
        return max(self.capacity - self.held - self.sold, 0)


class Hold(models.Model):
    """A buyer's selection, reserved for a few minutes while they check out."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CONVERTED = "converted", "Turned into an order"
        EXPIRED = "expired", "Expired"
        RELEASED = "released", "Released by the buyer"

    token = models.CharField(max_length=43, unique=True)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="holds")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField()
    promo_code = models.CharField(max_length=64, blank=True)
    currency = models.CharField(
        max_length=3, blank=True, help_text="The buyer's currency when reserving (blank: the shop's)."
    )
    region = models.CharField(max_length=16, blank=True, help_text="The buyer's region code, for taxes.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="active_holds_by_expiry")
        ]

    def __str__(self) -> str:
        return f"Hold {self.pk} ({self.status})"


class HoldLine(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="lines")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, null=True, blank=True)
    addon = models.ForeignKey(AddOn, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="hold_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(ticket_type__isnull=True, addon__isnull=False)
                | Q(ticket_type__isnull=False, addon__isnull=True),
                name="hold_line_is_ticket_or_addon",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.ticket_type or self.addon}"
