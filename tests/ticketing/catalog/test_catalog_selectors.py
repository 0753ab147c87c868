"""Catalog reads with fixed SQL give what the queryset they stand in for gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticketing.catalog.models import Event
from ticketing.catalog.selectors import all_events, event_by_id
from ticketing.catalog.services import create_series, create_venue, mark_event_cancelled

from ..factories import make_event, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def _fields(event: Event) -> dict[str, object]:
    return {field.attname: getattr(event, field.attname) for field in Event._meta.concrete_fields}


def test_event_by_id_reads_any_event_all_events_admits_with_its_venue_and_series() -> None:
    venue = create_venue(
        actor=None, name="Blue Hall", city="Chicago", country="us", timezone="America/Chicago"
    )
    series = create_series(
        actor=None,
        name="Summer nights",
        slug="summer-nights",
        template=make_event(),
        every=timedelta(days=7),
        count=2,
    )
    draft = make_event(venue=venue)
    published, _ = on_sale_event()
    cancelled = mark_event_cancelled(actor=None, event=make_event(venue=venue))
    past = make_event(starts_at=timezone.now() - timedelta(days=3))
    of_series = series.events.first()
    for event in [draft, published, cancelled, past, of_series]:
        assert event is not None
        expected = all_events().get(pk=event.pk)
        read = event_by_id(event.pk)
        assert read is not None and _fields(read) == _fields(expected)
        with CaptureQueriesContext(connection) as queries:  # both came with the event
            assert (read.venue and read.venue.pk) == (expected.venue and expected.venue.pk)
            assert (read.series and read.series.pk) == (expected.series and expected.series.pk)
        assert queries.captured_queries == []
        assert not read._state.adding


def test_event_by_id_finds_nothing_for_an_unknown_or_impossible_id() -> None:
    assert event_by_id(999_999_999) is None
    assert event_by_id(2**63) is None
    assert event_by_id(-(2**63) - 1) is None
