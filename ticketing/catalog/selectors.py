"""Catalog reads shared by the storefront, the back office and the API."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.model_rows import cache_related, from_row, select_columns
from ticketing.catalog.models import AddOn, Event, EventSeries, TicketType, Venue


def shop_currency() -> str:
    """The reseller's default currency: what prices are in when no region chooses another."""
    return str(getattr(getattr(connection, "tenant", None), "default_currency", "EUR"))


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(status=Event.Status.PUBLISHED)


def upcoming_published_events() -> QuerySet[Event]:
    return published_events().filter(ends_at__gt=timezone.now()).select_related("venue")


@cache
def _storefront_event_sql() -> str:
    return (
        f"SELECT {select_columns(Event, 'e')}, {select_columns(Venue, 'v')} "
        f'FROM "{Event._meta.db_table}" e LEFT JOIN "{Venue._meta.db_table}" v ON v."id" = e."venue_id" '
        'WHERE e."status" = %s AND e."slug" = %s'
    )


def storefront_event(slug: str) -> Event | None:
    """The published event at ``slug``, with its venue (fixed SQL: every storefront request reads it)."""
    with connection.cursor() as cursor:
        cursor.execute(_storefront_event_sql(), [Event.Status.PUBLISHED, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    event, next_column = from_row(Event, row)
    venue, _ = from_row(Venue, row, next_column)
    assert event is not None
    cache_related(event, "venue", venue)
    return event


@cache
def _event_by_id_sql() -> str:
    return (
        f"SELECT {select_columns(Event, 'e')}, {select_columns(Venue, 'v')}, "
        f"{select_columns(EventSeries, 's')} "
        f'FROM "{Event._meta.db_table}" e '
        f'LEFT JOIN "{Venue._meta.db_table}" v ON v."id" = e."venue_id" '
        f'LEFT JOIN "{EventSeries._meta.db_table}" s ON s."id" = e."series_id" '
        'WHERE e."id" = %s'
    )


def event_by_id(event_id: int) -> Event | None:
    """The event with this id, whatever its status, with its venue and series, as ``all_events()`` reads it.

    Fixed SQL: the API reads the event of every order it creates.
    """
    if not -(2**63) <= event_id < 2**63:  # beyond a bigint: no such row (as the ORM answers)
        return None
    with connection.cursor() as cursor:
        cursor.execute(_event_by_id_sql(), [event_id])
        row = cursor.fetchone()
    if row is None:
        return None
    event, next_column = from_row(Event, row)
    venue, next_column = from_row(Venue, row, next_column)
    series, _ = from_row(EventSeries, row, next_column)
    assert event is not None
    cache_related(event, "venue", venue)
    cache_related(event, "series", series)
    return event


def live_event_count() -> int:
    """Events that count against the plan's limit: not cancelled and not over yet."""
    return Event.objects.exclude(status=Event.Status.CANCELLED).filter(ends_at__gte=timezone.now()).count()


def all_events() -> QuerySet[Event]:
    return Event.objects.select_related("venue", "series").order_by("-starts_at", "-pk")


def all_venues() -> QuerySet[Venue]:
    return Venue.objects.all()


def all_series() -> QuerySet[EventSeries]:
    return EventSeries.objects.all()


def all_ticket_types() -> QuerySet[TicketType]:
    return TicketType.objects.all()


def ticket_types_of(event: Event) -> QuerySet[TicketType]:
    return TicketType.objects.filter(event=event).select_related("stock").prefetch_related("prices")


def addons_of(event: Event) -> QuerySet[AddOn]:
    return AddOn.objects.filter(event=event).select_related("stock").prefetch_related("prices")


def events_of_series(series: EventSeries) -> QuerySet[Event]:
    return Event.objects.filter(series=series).select_related("venue").order_by("starts_at", "pk")
