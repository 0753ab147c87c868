"""Discounts (tenant schema): promo codes, group discounts and packages, one table for all.

A discount without a code applies by itself; one with a code only when the buyer enters
it. Keeping every kind in one table lets the order path read all that may apply to an
event in a single query (ticketing.discounts.selectors.discounts_for). How they combine
and round is ticketing.orders.pricing's business.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ticketing.catalog.models import Event, TicketType

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]*$"


class Discount(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off each ticket")
        AMOUNT = "amount", _("Fixed amount off each ticket")
        GROUP = "group", _("Group: percentage off from a number of tickets")
        PACKAGE = "package", _("Package: a bundle of tickets at one price")

    name = models.CharField(max_length=100, help_text="Shown to buyers next to the discount.")
    code = models.CharField(
        max_length=64, blank=True, help_text="Blank: applies by itself. Set: only when the buyer enters it."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="discounts",
        help_text="Blank: every event of the shop.",
    )  # fmt: skip
    percent_bp = models.PositiveIntegerField(
        default=0, help_text="Percentage and group discounts, in basis points (1,000 = 10 %)."
    )
    amount_minor = models.PositiveIntegerField(
        default=0, help_text="Amount off each ticket, or a package's price, in minor units."
    )
    currency = models.CharField(max_length=3)
    min_tickets = models.PositiveIntegerField(default=0, help_text="Group discounts: from this many tickets.")
    ticket_types = models.ManyToManyField(
        TicketType, blank=True, related_name="+", help_text="Only these ticket types (none chosen: all)."
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Promo codes: how many orders may use it (blank: no limit)."
    )
    times_used = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="discount_code_unique"),
            models.CheckConstraint(
                condition=Q(code="") | Q(code__regex=CODE_PATTERN), name="discount_code_upper_case"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="discount_currency_iso"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(percent_bp__lte=10_000), name="discount_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(percent_bp__gte=1, percent_bp__lte=10_000, min_tickets__gte=2),
                name="discount_group_rule",
            ),
            models.CheckConstraint(
                condition=~Q(kind="amount") | Q(amount_minor__gte=1), name="discount_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind="package") | Q(event__isnull=False), name="discount_package_has_event"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | ~Q(code=""), name="discount_limit_needs_code"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_never_overused",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="discount_window_ordered",
                violation_error_message="A discount must end after it starts.",
            ),
        ]
        indexes = [
            models.Index(fields=["event"], condition=Q(code="", is_active=True), name="automatic_discounts"),
        ]

    def __str__(self) -> str:
        return self.code or self.name

    @property
    def uses_left(self) -> int | None:
        return None if self.usage_limit is None else max(self.usage_limit - self.times_used, 0)


class PackageItem(models.Model):
    """One ticket type in a package, and how many of it one bundle holds."""

    discount = models.ForeignKey(Discount, on_delete=models.CASCADE, related_name="package_items")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["discount", "ticket_type"], name="package_item_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="package_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.ticket_type.name}"
