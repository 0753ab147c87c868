"""Dates, times and numbers in the buyer's locale (CLDR data through Babel).

Times are stored in UTC and shown in the event's time zone; the locale is the active
language (chosen per request by the shop's locale middleware).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates, numbers
from django.conf import settings
from django.utils.translation import get_language, to_locale


def current_locale() -> str:
    """The active language as a Babel locale name ("de", "pt_BR")."""
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def _zone(timezone_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_datetime_in(value: datetime, timezone_name: str | None, *, locale: str | None = None) -> str:
    """A date with the time, in the locale's long date and short time ("25. Dezember 2026, 19:30")."""
    locale = locale or current_locale()
    pattern = (
        str(dates.get_datetime_format("long", locale=locale))
        .replace("{1}", dates.get_date_format("long", locale=locale).pattern)
        .replace("{0}", dates.get_time_format("short", locale=locale).pattern)
    )
    return str(dates.format_datetime(value, pattern, tzinfo=_zone(timezone_name), locale=locale))


def format_date_in(value: datetime, timezone_name: str | None, *, locale: str | None = None) -> str:
    return str(
        dates.format_date(value.astimezone(_zone(timezone_name)), "long", locale=locale or current_locale())
    )


def format_time_in(value: datetime, timezone_name: str | None, *, locale: str | None = None) -> str:
    return str(
        dates.format_time(value, "short", tzinfo=_zone(timezone_name), locale=locale or current_locale())
    )


def format_number(value: int | Decimal, *, locale: str | None = None) -> str:
    return str(numbers.format_decimal(value, locale=locale or current_locale()))
