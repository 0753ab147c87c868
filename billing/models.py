"""Control-plane billing data (public schema): plans, fee rules, subscriptions, provider events.

The ledger, payouts and reports live in their own apps beside this one (billing.ledger,
billing.payouts, billing.reports).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenants.models import Tenant

CURRENCY_ISO = r"^[A-Z]{3}$"


# django-stubs cannot resolve the reverse manager of django-tenants' TenantMixin subclass.
class Plan(models.Model):  # type: ignore[django-manager-missing]
    """A commercial tier a reseller is on: its fee and the limits and features it unlocks."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_fee_minor = models.PositiveIntegerField(default=0, help_text="In minor units of currency.")
    currency = models.CharField(max_length=3, default="EUR")
    trial_days = models.PositiveSmallIntegerField(default=14)
    limits = models.JSONField(default=dict, blank=True, help_text='e.g. {"events": 10, "staff_seats": 3}')
    features = models.JSONField(default=list, blank=True, help_text='e.g. ["custom_domains", "api"]')
    is_public = models.BooleanField(default=True, help_text="Listed on the platform's sign-up page.")
    position = models.PositiveSmallIntegerField(default=0)
    stripe_product_id = models.CharField(max_length=64, blank=True)
    stripe_price_id = models.CharField(
        max_length=64, blank=True, help_text="The recurring price of the current monthly fee."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "monthly_fee_minor", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(currency__regex=CURRENCY_ISO), name="plan_currency_iso"),
            models.CheckConstraint(condition=Q(trial_days__lte=90), name="plan_trial_at_most_90_days"),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, feature: str) -> bool:
        return feature in self.features


class FeeRule(models.Model):
    """The platform's fee on sales: percent of the line total plus a fixed amount per unit.

    A plan's rules apply to every reseller on it; a reseller's own rules (its contract) win
    over them. Blank item type, channel or currency match any; among the rules that match a
    sold line, the most specific one applies. A fixed amount is money, so it names its currency.
    """

    class ItemType(models.TextChoices):
        ANY = "", "Any item"
        TICKET = "ticket", "Tickets"
        ADDON = "addon", "Add-ons"

    class Channel(models.TextChoices):
        ANY = "", "Any channel"
        ONLINE = "online", "Online shop"
        BOX_OFFICE = "box_office", "Box office"
        API = "api", "API"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="fee_rules")
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Contract terms."
    )
    item_type = models.CharField(max_length=10, choices=ItemType.choices, blank=True, default="")
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    percent_bp = models.PositiveIntegerField(default=0, help_text="Basis points: 250 = 2.5 %.")
    fixed_minor = models.PositiveIntegerField(default=0, help_text="Per unit sold, in the rule's currency.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "tenant", "item_type", "channel", "currency"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, tenant__isnull=True)
                | Q(plan__isnull=True, tenant__isnull=False),
                name="fee_rule_for_plan_or_contract",
            ),
            models.CheckConstraint(condition=Q(percent_bp__lte=10_000), name="fee_rule_percent_at_most_100"),
            models.CheckConstraint(
                condition=Q(fixed_minor=0) | ~Q(currency=""), name="fee_rule_fixed_amount_has_currency"
            ),
            models.CheckConstraint(
                condition=Q(currency="") | Q(currency__regex=CURRENCY_ISO), name="fee_rule_currency_iso"
            ),
            models.UniqueConstraint(
                fields=["plan", "item_type", "channel", "currency"],
                condition=Q(plan__isnull=False),
                name="fee_rule_unique_per_plan",
            ),
            models.UniqueConstraint(
                fields=["tenant", "item_type", "channel", "currency"],
                condition=Q(tenant__isnull=False),
                name="fee_rule_unique_per_contract",
            ),
        ]

    def __str__(self) -> str:
        owner = f"plan {self.plan_id}" if self.plan_id else f"reseller {self.tenant_id}"
        scope = "/".join(part or "*" for part in (self.item_type, self.channel, self.currency))
        return f"{owner} {scope}: {self.percent_bp} bp + {self.fixed_minor}"

    @property
    def specificity(self) -> int:
        return sum(1 for part in (self.item_type, self.channel, self.currency) if part)


class Subscription(models.Model):
    """A reseller's subscription to its plan, mirrored from Stripe Billing."""

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        UNPAID = "unpaid", "Unpaid"
        INCOMPLETE = "incomplete", "Incomplete"
        CANCELED = "canceled", "Canceled"

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TRIALING)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    grace_until = models.DateTimeField(
        null=True, blank=True, help_text="An unpaid invoice opened a grace period ending here."
    )
    suspended_for_nonpayment = models.BooleanField(default=False)
    billing_email = models.EmailField(blank=True, help_text="Where payment reminders go.")
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True)
    stripe_item_id = models.CharField(max_length=64, blank=True)
    last_provider_event_at = models.DateTimeField(
        null=True, blank=True, help_text="Creation time of the newest provider event applied."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="subscription_stripe_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} on {self.plan}"


class ProviderEvent(models.Model):
    """A webhook event from the payment provider, recorded once: a second delivery is a no-op."""

    event_id = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=80)
    account = models.CharField(max_length=64, blank=True, help_text="Connected account, for Connect events.")
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
