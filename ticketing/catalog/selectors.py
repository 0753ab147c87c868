"""Catalog reads shared by the storefront, the back office and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ticketing.catalog.models import AddOn, Event, EventSeries, TicketType, Venue


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(status=Event.Status.PUBLISHED)


def upcoming_published_events() -> QuerySet[Event]:
    return published_events().filter(ends_at__gt=timezone.now()).select_related("venue")


def storefront_event(slug: str) -> Event | None:
    return published_events().select_related("venue").filter(slug=slug).first()


def all_events() -> QuerySet[Event]:
    return Event.objects.select_related("venue", "series").order_by("-starts_at", "-pk")


def all_venues() -> QuerySet[Venue]:
    return Venue.objects.all()


def all_series() -> QuerySet[EventSeries]:
    return EventSeries.objects.all()


def ticket_types_of(event: Event) -> QuerySet[TicketType]:
    return TicketType.objects.filter(event=event).select_related("stock")


def addons_of(event: Event) -> QuerySet[AddOn]:
    return AddOn.objects.filter(event=event).select_related("stock")
