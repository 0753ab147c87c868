"""The dates of an event series: wall-clock times in the series' zone, across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ticketing.catalog.errors import CatalogError
from ticketing.catalog.recurrence import MAX_DATES, listed_dates, weekly_dates

BERLIN = ZoneInfo("Europe/Berlin")


def test_weekly_dates_keep_their_local_time_across_the_clock_change() -> None:
    starts = weekly_dates(
        weekdays={6}, first=date(2031, 3, 16), last=date(2031, 4, 6), at=time(11, 0), zone=BERLIN
    )
    assert starts == [
        datetime(2031, 3, 16, 10, 0, tzinfo=UTC),
        datetime(2031, 3, 23, 10, 0, tzinfo=UTC),
        datetime(2031, 3, 30, 9, 0, tzinfo=UTC),  # summer time from that morning
        datetime(2031, 4, 6, 9, 0, tzinfo=UTC),
    ]


def test_listed_dates_are_sorted_and_each_kept_once() -> None:
    moments = [datetime(2031, 5, 2, 20, 0), datetime(2031, 5, 1, 20, 0), datetime(2031, 5, 2, 20, 0)]
    assert listed_dates(moments, zone=BERLIN) == [
        datetime(2031, 5, 1, 18, 0, tzinfo=UTC),
        datetime(2031, 5, 2, 18, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"weekdays": set()}, "weekdays", "Choose at least one weekday."),
        ({"weekdays": {7}}, "weekdays", "Choose at least one weekday."),
        ({"last": date(2031, 1, 1)}, "last_date", "The last date cannot be before the first."),
        ({"weekdays": {2}, "last": date(2031, 2, 3)}, "weekdays", "The rule gives no dates."),
        ({"weekdays": set(range(7)), "last": date(2032, 2, 4)}, "weekdays", f"at most {MAX_DATES} dates"),
    ],
)
def test_a_rule_that_gives_no_or_too_many_dates_is_refused(arguments: dict, field: str, message: str) -> None:
    rule = {
        "weekdays": {0},
        "first": date(2031, 2, 3),
        "last": date(2031, 3, 3),
        "at": time(20, 0),
        "zone": BERLIN,
    }
    with pytest.raises(CatalogError) as refused:
        weekly_dates(**{**rule, **arguments})
    assert refused.value.field == field and message in refused.value.message
