"""Control-plane billing data (public schema). Plans for now; subscriptions, fees,
ledger and payouts come with the control-plane issue."""

from __future__ import annotations

from django.db import models


# django-stubs cannot resolve the reverse manager of django-tenants' TenantMixin subclass.
class Plan(models.Model):  # type: ignore[django-manager-missing]
    """A commercial tier a reseller is on: its fee and the limits and features it unlocks."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_fee_minor = models.PositiveIntegerField(default=0, help_text="In minor units of currency.")
    currency = models.CharField(max_length=3, default="EUR")
    limits = models.JSONField(default=dict, blank=True, help_text='e.g. {"events": 10, "staff_seats": 3}')
    features = models.JSONField(default=list, blank=True, help_text='e.g. ["custom_domains", "api"]')
    is_public = models.BooleanField(default=True, help_text="Listed on the platform's sign-up page.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["monthly_fee_minor", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="plan_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, feature: str) -> bool:
        return feature in self.features
