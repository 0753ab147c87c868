"""What is on sale for an event right now, with availability."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.model_rows import cache_related, from_row, select_columns
from core.money import Money
from ticketing.catalog.models import AddOn, AddOnPrice, Event, TicketType, TicketTypePrice
from ticketing.catalog.selectors import shop_currency
from ticketing.inventory.models import Hold, Stock


class SaleState(StrEnum):
    ON_SALE = "on_sale"
    NOT_YET = "not_yet"
    ENDED = "ended"
    SOLD_OUT = "sold_out"


@dataclass(frozen=True)
class TicketTypeOffer:
    ticket_type: TicketType
    stock_id: int
    available: int  # left of this type, bounded by the event's capacity
    state: SaleState
    currency: str = ""
    price_minor: int | None = None  # None: not offered in ``currency`` (no price row)

    @property
    def price(self) -> Money | None:
        return None if self.price_minor is None else Money(self.price_minor, self.currency)

    @property
    def max_selectable(self) -> int:
        return min(self.ticket_type.max_per_order, self.available)


@dataclass(frozen=True)
class AddOnOffer:
    addon: AddOn
    stock_id: int
    available: int
    currency: str = ""
    price_minor: int | None = None

    @property
    def price(self) -> Money | None:
        return None if self.price_minor is None else Money(self.price_minor, self.currency)

    @property
    def max_selectable(self) -> int:
        return min(self.addon.max_per_order, self.available)


@dataclass(frozen=True)
class EventOffer:
    event: Event
    event_stock_id: int
    event_available: int
    currency: str = ""
    ticket_types: dict[int, TicketTypeOffer] = field(default_factory=dict)
    addons: dict[int, AddOnOffer] = field(default_factory=dict)

    @property
    def visible_ticket_types(self) -> list[TicketTypeOffer]:
        return list(self.ticket_types.values())

    @property
    def sold_out(self) -> bool:
        return all(offer.state == SaleState.SOLD_OUT for offer in self.ticket_types.values())


def sale_state(ticket_type: TicketType, available: int, now: datetime) -> SaleState:
    if ticket_type.sale_starts_at and now < ticket_type.sale_starts_at:
        return SaleState.NOT_YET
    if ticket_type.sale_ends_at and now >= ticket_type.sale_ends_at:
        return SaleState.ENDED
    if available < ticket_type.min_per_order:
        return SaleState.SOLD_OUT
    return SaleState.ON_SALE


@cache
def _stocks_sql() -> str:
    return (
        f"SELECT {select_columns(Stock, 's')}, {select_columns(TicketType, 't')}, "
        f'{select_columns(AddOn, "a")}, tp."amount_minor", ap."amount_minor" '
        f'FROM "{Stock._meta.db_table}" s '
        f'LEFT JOIN "{TicketType._meta.db_table}" t ON t."id" = s."ticket_type_id" '
        f'LEFT JOIN "{AddOn._meta.db_table}" a ON a."id" = s."addon_id" '
        f'LEFT JOIN "{TicketTypePrice._meta.db_table}" tp '
        'ON tp."ticket_type_id" = t."id" AND tp."currency" = %s '
        f'LEFT JOIN "{AddOnPrice._meta.db_table}" ap ON ap."addon_id" = a."id" AND ap."currency" = %s '
        'WHERE s."event_id" = %s'
    )


def _stocks_of(event: Event, currency: str) -> list[tuple[Stock, int | None]]:
    """The event's stock rows with their ticket type or add-on and its price in ``currency``
    (fixed SQL: every order reads them)."""
    with connection.cursor() as cursor:
        cursor.execute(_stocks_sql(), [currency, currency, event.pk])
        rows = cursor.fetchall()
    stocks = []
    for row in rows:
        stock, next_column = from_row(Stock, row)
        ticket_type, next_column = from_row(TicketType, row, next_column)
        addon, next_column = from_row(AddOn, row, next_column)
        assert stock is not None
        cache_related(stock, "ticket_type", ticket_type)
        cache_related(stock, "addon", addon)
        ticket_price, addon_price = row[next_column], row[next_column + 1]
        stocks.append((stock, ticket_price if ticket_type is not None else addon_price))
    return stocks


def event_offer(
    event: Event,
    *,
    visibilities: Collection[str] = (TicketType.Visibility.PUBLIC,),
    unlocked_ticket_type_ids: Collection[int] = (),
    with_addons: bool = True,
    now: datetime | None = None,
    currency: str = "",
) -> EventOffer:
    """The event's ticket types of these visibilities (and code-only ones a code unlocked), and add-ons,
    priced in ``currency`` (the shop's when blank); an item without a price in it has price None."""
    now = now or timezone.now()
    currency = currency or shop_currency()
    priced_stocks = _stocks_of(event, currency)
    prices = {stock.pk: price for stock, price in priced_stocks}
    stocks = [stock for stock, _ in priced_stocks]
    event_stock = next(
        (stock for stock in stocks if stock.ticket_type_id is None and stock.addon_id is None), None
    )
    if event_stock is None:  # an event made outside the catalog services has nothing on sale
        return EventOffer(event=event, event_stock_id=0, event_available=0, currency=currency)
    offer = EventOffer(
        event=event, event_stock_id=event_stock.pk, event_available=event_stock.available, currency=currency
    )
    ticket_stocks = sorted(
        (stock for stock in stocks if stock.ticket_type is not None),
        key=lambda stock: (stock.ticket_type.position, stock.ticket_type.pk),  # type: ignore[union-attr]
    )
    for stock in ticket_stocks:
        ticket_type = stock.ticket_type
        assert ticket_type is not None
        shown = ticket_type.visibility in visibilities or (
            ticket_type.visibility == TicketType.Visibility.CODE_ONLY
            and ticket_type.pk in unlocked_ticket_type_ids
        )
        if not shown:
            continue
        available = min(stock.available, event_stock.available)
        offer.ticket_types[ticket_type.pk] = TicketTypeOffer(
            ticket_type=ticket_type,
            stock_id=stock.pk,
            available=available,
            state=sale_state(ticket_type, available, now),
            currency=currency,
            price_minor=prices[stock.pk],
        )
    if with_addons:
        addon_stocks = sorted(
            (stock for stock in stocks if stock.addon is not None),
            key=lambda stock: (stock.addon.position, stock.addon.pk),  # type: ignore[union-attr]
        )
        for stock in addon_stocks:
            assert stock.addon is not None
            offer.addons[stock.addon.pk] = AddOnOffer(
                addon=stock.addon,
                stock_id=stock.pk,
                available=stock.available,
                currency=currency,
                price_minor=prices[stock.pk],
            )
    return offer


def active_hold(token: str) -> Hold | None:
    return (
        Hold.objects.select_related("event")
        .prefetch_related("lines__ticket_type", "lines__addon")
        .filter(token=token)
        .first()
    )


def due_holds(now: datetime | None = None) -> QuerySet[Hold]:
    return Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now or timezone.now())


def stock_for_event(event: Event) -> Stock:
    return Stock.objects.get(event=event, ticket_type__isnull=True, addon__isnull=True)
