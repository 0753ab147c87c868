"""Where buyers are and what tax they owe (tenant schema): the reseller's regions and tax rules.

A region (EU, UK, JP, US) picks the currency buyers pay in and the tax jurisdiction whose
rules apply; a tax rule gives a jurisdiction's rate for a tax category and says whether
prices include the tax (VAT) or it is added on top (sales tax).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ticketing.catalog.models import CURRENCY_ISO, TaxCategory

JURISDICTION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"  # ISO 3166-1 alpha-2, or a subdivision: "US-NY"


class Region(models.Model):
    code = models.CharField(max_length=16, unique=True, help_text="Short and stable: EU, UK, JP, US.")
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, help_text="ISO 4217: what buyers in this region pay in.")
    tax_jurisdiction = models.CharField(
        max_length=6, blank=True, help_text="Whose tax rules apply (DE, GB, JP, US-NY); blank: no tax."
    )
    languages = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated language codes that suggest this region."
    )
    hostnames = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated shop host names that open in this region."
    )
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=CURRENCY_ISO, name="region_currency_iso"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9-]+$"), name="region_code_upper_case"),
            models.CheckConstraint(
                condition=Q(tax_jurisdiction="") | Q(tax_jurisdiction__regex=JURISDICTION),
                name="region_jurisdiction_iso",
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    @property
    def language_list(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @property
    def hostname_list(self) -> list[str]:
        return [host.strip().lower() for host in self.hostnames.split(",") if host.strip()]


class TaxRule(models.Model):
    """One jurisdiction's rate for one tax category."""

    jurisdiction = models.CharField(max_length=6, help_text="DE, GB, JP, US-NY …")
    category = models.CharField(max_length=16, choices=TaxCategory.choices)
    rate_bp = models.PositiveIntegerField(help_text="In basis points: 1,900 = 19 %.")
    prices_include_tax = models.BooleanField(
        default=True, help_text="VAT: prices include it. Unticked: sales tax added on top."
    )
    name = models.CharField(
        max_length=40, default="VAT", help_text="As invoices name it: VAT, GST, Sales tax."
    )
    reverse_charge = models.BooleanField(
        default=False,
        help_text="Business buyers from another EU country with a VAT ID account for the VAT themselves.",
    )

    class Meta:
        ordering = ["jurisdiction", "category"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "category"], name="tax_rule_once_per_category"),
            models.CheckConstraint(
                condition=Q(jurisdiction__regex=JURISDICTION), name="tax_rule_jurisdiction_iso"
            ),
            models.CheckConstraint(condition=Q(rate_bp__lte=10_000), name="tax_rule_rate_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.category}: {self.rate_bp / 100:g} %"
