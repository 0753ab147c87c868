"""Dates in an event's time zone and numbers in the buyer's locale:
``{{ event.starts_at|local_datetime:event.timezone }}``, ``{{ count|number }}``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import template

from core.localization import format_date_in, format_datetime_in, format_number, format_time_in

register = template.Library()


@register.filter
def local_datetime(value: datetime | None, timezone_name: str | None = None) -> str:
    return format_datetime_in(value, timezone_name) if value else ""


@register.filter
def local_date(value: datetime | None, timezone_name: str | None = None) -> str:
    return format_date_in(value, timezone_name) if value else ""


@register.filter
def local_time(value: datetime | None, timezone_name: str | None = None) -> str:
    return format_time_in(value, timezone_name) if value else ""


@register.filter
def number(value: int | Decimal | None) -> str:
    return "" if value is None else format_number(value)
