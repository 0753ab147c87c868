"""What a reseller sells (tenant schema): venues, events and their series, ticket types, add-ons.

Inventory counters (how many are held and sold) live apart, in ticketing.inventory, so
that editing a ticket type can never overwrite a sale that happened meanwhile.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

CURRENCY_ISO = Q(currency__regex=r"^[A-Z]{3}$")


class Venue(models.Model):
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class EventSeries(models.Model):
    """Recurring dates of one show: each date is an Event of its own with its own inventory."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "event series"

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class AttendanceMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="For display; times are stored in UTC."
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    series = models.ForeignKey(
        EventSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    capacity = models.PositiveIntegerField(
        default=0, help_text="Most tickets of all types together that may be sold (0 = none on sale)."
    )
    attendance_mode = models.CharField(
        max_length=16, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    online_url = models.URLField(blank=True, help_text="Stream or meeting link, sent to ticket holders only.")
    image = models.ImageField(upload_to="events/", blank=True)
    hold_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="How long a buyer's selection stays reserved during checkout."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode="in_person") | ~Q(online_url=""),
                name="event_online_needs_link",
                violation_error_message=_("Online and hybrid events need a link."),
            ),
            models.CheckConstraint(condition=Q(hold_minutes__gte=1), name="event_hold_at_least_a_minute"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_on_sale(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TicketType(models.Model):
    class Kind(models.TextChoices):
        GENERAL_ADMISSION = "general_admission", _("General admission")
        VIP = "vip", _("VIP")
        EARLY_BIRD = "early_bird", _("Early bird")
        REDUCED = "reduced", _("Reduced")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: listed on the event page")
        HIDDEN = "hidden", _("Hidden: sold by the box office only")
        CODE_ONLY = "code_only", _("Code only: shown with a promo code that unlocks it")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.GENERAL_ADMISSION)
    description = models.TextField(blank=True)
    price_minor = models.PositiveIntegerField(help_text="In minor units of the currency (cents).")
    currency = models.CharField(max_length=3)
    sale_starts_at = models.DateTimeField(null=True, blank=True)
    sale_ends_at = models.DateTimeField(null=True, blank=True)
    min_per_order = models.PositiveSmallIntegerField(default=1)
    max_per_order = models.PositiveSmallIntegerField(default=10)
    quantity = models.PositiveIntegerField(help_text="Tickets of this type that may be sold.")
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="ticket_type_name_unique_per_event"),
            models.CheckConstraint(condition=CURRENCY_ISO, name="ticket_type_currency_iso"),
            models.CheckConstraint(
                condition=Q(min_per_order__gte=1),
                name="ticket_type_min_at_least_one",
                violation_error_message=_("The minimum per order is at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(max_per_order__gte=F("min_per_order")),
                name="ticket_type_max_not_below_min",
                violation_error_message=_("The maximum per order cannot be below the minimum."),
            ),
            models.CheckConstraint(
                condition=Q(sale_starts_at__isnull=True)
                | Q(sale_ends_at__isnull=True)
                | Q(sale_ends_at__gt=F("sale_starts_at")),
                name="ticket_type_sale_window_ordered",
                violation_error_message=_("The sale must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.name}"


class AddOn(models.Model):
    """Something sold alongside tickets: parking, merchandise."""

    class Kind(models.TextChoices):
        PARKING = "parking", _("Parking")
        MERCHANDISE = "merchandise", _("Merchandise")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="addons")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    price_minor = models.PositiveIntegerField(help_text="In minor units of the currency (cents).")
    currency = models.CharField(max_length=3)
    quantity = models.PositiveIntegerField()
    max_per_order = models.PositiveSmallIntegerField(default=4)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="addon_name_unique_per_event"),
            models.CheckConstraint(condition=CURRENCY_ISO, name="addon_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.name}"
