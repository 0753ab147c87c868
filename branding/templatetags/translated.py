"""Catalog texts in the buyer's language: ``{{ event|translated:"name" }}``, falling back to the
shop's default language; ``{{ line|line_description }}`` for order and quote lines."""

from __future__ import annotations

from typing import Any

from django import template

from branding.selectors import active_language, shop_language, translated_text

register = template.Library()


@register.filter
def translated(obj: Any, field: str) -> str:
    if obj is None:
        return ""
    return translated_text(obj, field)


@register.filter
def line_description(line: Any) -> str:
    """An order line keeps the name it was sold under; other languages see the item's translation."""
    item = getattr(line, "ticket_type", None) or getattr(line, "addon", None)
    if item is None or active_language() == shop_language():
        return str(line.description)
    name = translated_text(item, "name")
    return name if name != item.name else str(line.description)
