"""``{{ amount_minor|money:currency }}``: minor units shown in the currency's own format."""

from __future__ import annotations

from django import template

from core.money import Money

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str) -> str:
    return Money(int(amount_minor), currency).format()
