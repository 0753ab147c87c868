"""``{{ amount_minor|money:currency }}``: minor units shown in the currency's own format."""

from __future__ import annotations

from django import template

from core.money import Money, format_rate

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str) -> str:
    return Money(int(amount_minor), currency).format()


@register.filter
def rate(basis_points: int) -> str:
    """``{{ line.tax_rate_bp|rate }}``: basis points as a percentage in the active language."""
    return format_rate(int(basis_points))
