"""The dates of an event series: weekly on chosen weekdays between two dates, or a list.

Dates are wall-clock times in the series' time zone, so "every Friday at 20:00" stays at
20:00 across a daylight-saving change; each becomes an aware instant here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from ticketing.catalog.errors import CatalogError, CatalogErrorCode

MAX_DATES = 366


def _in_zone(moments: Iterable[datetime], zone: ZoneInfo) -> list[datetime]:
    aware = {moment.replace(tzinfo=None).replace(tzinfo=zone) for moment in moments}
    return sorted(aware)


def _checked_count(starts: list[datetime], *, field: str) -> list[datetime]:
    if not starts:
        raise CatalogError(CatalogErrorCode.INVALID, _("The rule gives no dates."), field=field)
    if len(starts) > MAX_DATES:
        raise CatalogError(
            CatalogErrorCode.INVALID,
            _("A series has at most %(count)s dates; this rule gives %(given)s.")
            % {"count": MAX_DATES, "given": len(starts)},
            field=field,
        )
    return starts


def weekly_dates(
    *, weekdays: Collection[int], first: date, last: date, at: time, zone: ZoneInfo
) -> list[datetime]:
    """Every ``weekdays`` (0 = Monday) from ``first`` to ``last`` inclusive, at ``at`` in ``zone``."""
    if not weekdays or not set(weekdays) <= set(range(7)):
        raise CatalogError(CatalogErrorCode.INVALID, _("Choose at least one weekday."), field="weekdays")
    if last < first:
        raise CatalogError(
            CatalogErrorCode.INVALID, _("The last date cannot be before the first."), field="last_date"
        )
    if (last - first).days > MAX_DATES * 7:
        raise CatalogError(
            CatalogErrorCode.INVALID, _("A series spans at most seven years."), field="last_date"
        )
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    starts = _in_zone((datetime.combine(day, at) for day in days if day.weekday() in weekdays), zone)
    return _checked_count(starts, field="weekdays")


def listed_dates(moments: Iterable[datetime], *, zone: ZoneInfo) -> list[datetime]:
    """The listed wall-clock times in ``zone``, sorted, each once."""
    return _checked_count(_in_zone(moments, zone), field="dates")
