"""Catalog use cases: the only writers of venues, events, series, ticket types and add-ons."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.timezone import now

from accounts.models import User
from billing import entitlements
from core.money import known_currency
from ticketing.audit.services import record
from ticketing.catalog.errors import CatalogError, CatalogErrorCode
from ticketing.catalog.models import AddOn, AddOnPrice, Event, EventSeries, TicketType, TicketTypePrice, Venue
from ticketing.catalog.selectors import shop_currency
from ticketing.inventory.services import open_stock, resize_stock
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

_EVENT_FIELDS = {
    "name", "slug", "description", "starts_at", "ends_at", "timezone", "venue", "series",
    "attendance_mode", "online_url", "image", "hold_minutes",
}  # fmt: skip
_TICKET_TYPE_FIELDS = {
    "name", "kind", "description", "price_minor", "sale_starts_at", "sale_ends_at",
    "min_per_order", "max_per_order", "visibility", "position", "tax_category",
}  # fmt: skip
_ADDON_FIELDS = {"name", "kind", "description", "price_minor", "max_per_order", "position", "tax_category"}


def _validated(instance: models.Model) -> None:
    """Run field and constraint validation; the first problem becomes a CatalogError on its field."""
    timezone_name = getattr(instance, "timezone", None)
    if timezone_name is not None:
        try:
            ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CatalogError(
                CatalogErrorCode.INVALID, f"Unknown time zone “{timezone_name}”.", field="timezone"
            ) from None
    try:
        instance.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        code = CatalogErrorCode.SLUG_TAKEN if field == "slug" and "already exists" in messages[0] else None
        raise CatalogError(
            code or CatalogErrorCode.INVALID,
            messages[0],
            field=None if field == "__all__" else field,
        ) from None


def _set_fields(instance: models.Model, allowed: set[str], values: dict[str, Any]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"Cannot set {', '.join(sorted(unknown))} on {type(instance).__name__}.")
    for name, value in values.items():
        setattr(instance, name, value)
    return list(values)


def create_venue(
    *,
    actor: User | None,
    name: str,
    address: str = "",
    city: str = "",
    country: str = "",
    timezone: str = "UTC",
) -> Venue:
    """Add a place where events happen."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    with transaction.atomic(durable=True):
        venue = Venue(name=name, address=address, city=city, country=country.upper(), timezone=timezone)
        _validated(venue)
        venue.save()
        record(action="venue.created", target=venue, actor=actor, name=name)
    return venue


def _new_event(*, capacity: int, **fields: Any) -> Event:
    live = Event.objects.exclude(status=Event.Status.CANCELLED).filter(ends_at__gte=now())
    entitlements.check_limit(entitlements.Limit.EVENTS, in_use=live.count())  # billing: the plan's limit
    event = Event(capacity=capacity)
    _set_fields(event, _EVENT_FIELDS, fields)
    if event.venue is not None and "timezone" not in fields:
        event.timezone = event.venue.timezone
    _validated(event)
    event.save()
    open_stock(event=event, capacity=capacity)
    return event


def create_event(*, actor: User | None, capacity: int, **fields: Any) -> Event:
    """Create a draft event with its overall capacity (name, slug, starts_at, ends_at, ...)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    with transaction.atomic(durable=True):
        event = _new_event(capacity=capacity, **fields)
        record(action="event.created", target=event, actor=actor, name=event.name, capacity=capacity)
    return event


def update_event(*, actor: User | None, event: Event, capacity: int | None = None, **changes: Any) -> Event:
    """Change an event's details or capacity (never below what is sold or held)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    with transaction.atomic(durable=True):
        event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        changed = _set_fields(event, _EVENT_FIELDS, changes)
        if capacity is not None and capacity != event.capacity:
            resize_stock(
                stock=event.stocks.get(ticket_type=None, addon=None), capacity=capacity, label="Capacity"
            )
            event.capacity = capacity
            changed.append("capacity")
        _validated(event)
        event.save()
        record(action="event.updated", target=event, actor=actor, fields=sorted(changed))
    return event


def publish_event(*, actor: User | None, event: Event) -> Event:
    """Put a draft event on sale."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    return _change_status(
        actor=actor, event=event, status=Event.Status.PUBLISHED, allowed_from={Event.Status.DRAFT}
    )


def unpublish_event(*, actor: User | None, event: Event) -> Event:
    """Take a published event off the storefront (back to draft); sold tickets stay valid."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    return _change_status(
        actor=actor, event=event, status=Event.Status.DRAFT, allowed_from={Event.Status.PUBLISHED}
    )


def _change_status(*, actor: User | None, event: Event, status: str, allowed_from: set[str]) -> Event:
    with transaction.atomic(durable=True):
        return _set_status(actor=actor, event=event, status=status, allowed_from=allowed_from)


def _set_status(
    *, actor: User | None, event: Event, status: str, allowed_from: set[str], **audit: Any
) -> Event:
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if event.status not in allowed_from:
        raise CatalogError(
            CatalogErrorCode.STATUS_CONFLICT,
            f"A {event.get_status_display().lower()} event cannot do that.",
        )
    if status == Event.Status.PUBLISHED and not event.ticket_types.exists():
        raise CatalogError(CatalogErrorCode.INVALID, "Add at least one ticket type before publishing.")
    previous = event.status
    event.status = status
    event.save(update_fields=["status"])
    record(action=f"event.{status}", target=event, actor=actor, previous=previous, **audit)
    return event


def mark_event_cancelled(*, actor: User | None, event: Event, reason: str = "") -> Event:
    """Call an event off for good: nothing more is sold. Runs inside the caller's transaction.

    The orders service that calls it (ticketing.orders.services.cancel_event) settles the
    event's orders; the catalog does not know about orders.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("mark_event_cancelled runs inside the caller's transaction.")
    return _set_status(
        actor=actor,
        event=event,
        status=Event.Status.CANCELLED,
        allowed_from={Event.Status.DRAFT, Event.Status.PUBLISHED},
        reason=reason,
    )


def create_series(
    *,
    actor: User | None,
    name: str,
    slug: str,
    template: Event,
    every: timedelta,
    count: int,
    description: str = "",
) -> EventSeries:
    """Repeat an event ``count`` times, ``every`` apart, each date with copies of its tickets and add-ons."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    if not 1 <= count <= 366:
        raise CatalogError(CatalogErrorCode.INVALID, "A series has between 1 and 366 dates.", field="count")
    if every <= timedelta(0):
        raise CatalogError(
            CatalogErrorCode.INVALID, "Dates must be a positive interval apart.", field="every"
        )
    with transaction.atomic(durable=True):
        series = EventSeries(name=name, slug=slug, description=description)
        _validated(series)
        series.save()
        ticket_types = list(template.ticket_types.all())
        addons = list(template.addons.all())
        for index in range(count):
            starts_at: datetime = template.starts_at + every * index
            event = _new_event(
                capacity=template.capacity,
                name=template.name,
                slug=f"{slug}-{starts_at:%Y%m%d-%H%M}",
                description=template.description,
                starts_at=starts_at,
                ends_at=template.ends_at + every * index,
                timezone=template.timezone,
                venue=template.venue,
                series=series,
                attendance_mode=template.attendance_mode,
                online_url=template.online_url,
                hold_minutes=template.hold_minutes,
            )
            shift = every * index
            for ticket_type in ticket_types:
                copy = _new_ticket_type(
                    event=event,
                    quantity=ticket_type.quantity,
                    currency=ticket_type.currency,
                    **{name: getattr(ticket_type, name) for name in _TICKET_TYPE_FIELDS},
                    **{
                        name: getattr(ticket_type, name) + shift
                        for name in ("sale_starts_at", "sale_ends_at")
                        if getattr(ticket_type, name) is not None
                    },
                )
                TicketTypePrice.objects.bulk_create(
                    [
                        TicketTypePrice(
                            ticket_type=copy, currency=price.currency, amount_minor=price.amount_minor
                        )
                        for price in ticket_type.prices.exclude(currency=ticket_type.currency)
                    ]
                )
            for addon in addons:
                addon_copy = _new_addon(
                    event=event,
                    quantity=addon.quantity,
                    currency=addon.currency,
                    **{name: getattr(addon, name) for name in _ADDON_FIELDS},
                )
                AddOnPrice.objects.bulk_create(
                    [
                        AddOnPrice(addon=addon_copy, currency=price.currency, amount_minor=price.amount_minor)
                        for price in addon.prices.exclude(currency=addon.currency)
                    ]
                )
        record(action="series.created", target=series, actor=actor, template=template.pk, count=count)
    return series


def _new_ticket_type(*, event: Event, quantity: int, currency: str, **fields: Any) -> TicketType:
    ticket_type = TicketType(event=event, quantity=quantity, currency=currency)
    _set_fields(ticket_type, _TICKET_TYPE_FIELDS, fields)
    _validated(ticket_type)
    ticket_type.save()
    TicketTypePrice.objects.create(
        ticket_type=ticket_type, currency=currency, amount_minor=ticket_type.price_minor
    )
    open_stock(event=event, ticket_type=ticket_type, capacity=quantity)
    return ticket_type


def _check_currency(currency: str) -> str:
    expected = shop_currency()
    if currency and currency != expected:
        raise CatalogError(
            CatalogErrorCode.WRONG_CURRENCY,
            f"This shop sells in {expected}, not {currency}.",
            field="currency",
        )
    return expected


def create_ticket_type(
    *,
    actor: User | None,
    event: Event,
    quantity: int,
    currency: str = "",
    prices: Mapping[str, int | None] | None = None,
    **fields: Any,
) -> TicketType:
    """Add a ticket type (name, price_minor, sale window, min/max per order, visibility, tax
    category) to an event, with its ``prices`` in other currencies (None: not offered in it)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency = _check_currency(currency)
    checked = _checked_prices(prices)
    with transaction.atomic(durable=True):
        ticket_type = _new_ticket_type(event=event, quantity=quantity, currency=currency, **fields)
        for other, amount in checked.items():
            _set_price(ticket_type, TicketTypePrice, "ticket_type", other, amount)
        record(
            action="ticket_type.created",
            target=ticket_type,
            actor=actor,
            event=event.pk,
            price_minor=ticket_type.price_minor,
            quantity=quantity,
        )
    return ticket_type


def update_ticket_type(
    *,
    actor: User | None,
    ticket_type: TicketType,
    quantity: int | None = None,
    prices: Mapping[str, int | None] | None = None,
    **changes: Any,
) -> TicketType:
    """Change a ticket type (and its ``prices`` in other currencies); its quantity never goes
    below what is sold or held."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    checked = _checked_prices(prices)
    with transaction.atomic(durable=True):
        ticket_type = TicketType.objects.select_for_update(no_key=True).get(pk=ticket_type.pk)
        changed = _set_fields(ticket_type, _TICKET_TYPE_FIELDS, changes)
        if quantity is not None and quantity != ticket_type.quantity:
            resize_stock(stock=ticket_type.stock, capacity=quantity, label=f"“{ticket_type.name}”")
            ticket_type.quantity = quantity
            changed.append("quantity")
        _validated(ticket_type)
        ticket_type.save()
        if "price_minor" in changed:  # the default currency's row mirrors the column
            TicketTypePrice.objects.update_or_create(
                ticket_type=ticket_type,
                currency=ticket_type.currency,
                defaults={"amount_minor": ticket_type.price_minor},
            )
        for other, amount in checked.items():
            _set_price(ticket_type, TicketTypePrice, "ticket_type", other, amount)
            changed.append(f"price_{other}")
        record(action="ticket_type.updated", target=ticket_type, actor=actor, fields=sorted(changed))
    return ticket_type


def _new_addon(*, event: Event, quantity: int, currency: str, **fields: Any) -> AddOn:
    addon = AddOn(event=event, quantity=quantity, currency=currency)
    _set_fields(addon, _ADDON_FIELDS, fields)
    _validated(addon)
    addon.save()
    AddOnPrice.objects.create(addon=addon, currency=currency, amount_minor=addon.price_minor)
    open_stock(event=event, addon=addon, capacity=quantity)
    return addon


def create_addon(
    *,
    actor: User | None,
    event: Event,
    quantity: int,
    currency: str = "",
    prices: Mapping[str, int | None] | None = None,
    **fields: Any,
) -> AddOn:
    """Offer an extra (parking, merchandise) alongside an event's tickets, with its ``prices``
    in other currencies."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency = _check_currency(currency)
    checked = _checked_prices(prices)
    with transaction.atomic(durable=True):
        addon = _new_addon(event=event, quantity=quantity, currency=currency, **fields)
        for other, amount in checked.items():
            _set_price(addon, AddOnPrice, "addon", other, amount)
        record(action="addon.created", target=addon, actor=actor, event=event.pk, quantity=quantity)
    return addon


def update_addon(
    *,
    actor: User | None,
    addon: AddOn,
    quantity: int | None = None,
    prices: Mapping[str, int | None] | None = None,
    **changes: Any,
) -> AddOn:
    """Change an add-on (and its ``prices`` in other currencies); its quantity never goes below
    what is sold or held."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    checked = _checked_prices(prices)
    with transaction.atomic(durable=True):
        addon = AddOn.objects.select_for_update(no_key=True).get(pk=addon.pk)
        changed = _set_fields(addon, _ADDON_FIELDS, changes)
        if quantity is not None and quantity != addon.quantity:
            resize_stock(stock=addon.stock, capacity=quantity, label=f"“{addon.name}”")
            addon.quantity = quantity
            changed.append("quantity")
        _validated(addon)
        addon.save()
        if "price_minor" in changed:
            AddOnPrice.objects.update_or_create(
                addon=addon, currency=addon.currency, defaults={"amount_minor": addon.price_minor}
            )
        for other, amount in checked.items():
            _set_price(addon, AddOnPrice, "addon", other, amount)
            changed.append(f"price_{other}")
        record(action="addon.updated", target=addon, actor=actor, fields=sorted(changed))
    return addon


def _checked_price(currency: str, amount_minor: object) -> tuple[str, int | None]:
    """A currency CLDR knows and a whole, non-negative amount in its minor units (None: no price)."""
    try:
        currency = known_currency(currency)
    except ValueError:
        raise CatalogError(
            CatalogErrorCode.UNKNOWN_CURRENCY, f"“{currency}” is not a currency we know.", field="currency"
        ) from None
    if amount_minor is None:
        return currency, None
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise CatalogError(
            CatalogErrorCode.INVALID_PRICE, "A price is a whole number of minor units.", field="amount"
        )
    if amount_minor < 0:
        raise CatalogError(CatalogErrorCode.INVALID_PRICE, "A price cannot be negative.", field="amount")
    return currency, amount_minor


def _checked_prices(prices: Mapping[str, int | None] | None) -> dict[str, int | None]:
    """Prices in other currencies than the shop's, each checked; the shop's is ``price_minor``."""
    checked: dict[str, int | None] = {}
    for currency, amount in (prices or {}).items():
        try:
            known, value = _checked_price(currency, amount)
        except CatalogError as error:
            raise CatalogError(error.code, error.message, field=f"price_{currency}") from None
        checked[known] = value
    if shop_currency() in checked:
        raise CatalogError(
            CatalogErrorCode.INVALID_PRICE,
            f"The price in {shop_currency()} is the ticket type's own price.",
            field=f"price_{shop_currency()}",
        )
    return checked


def set_ticket_type_price(
    *, actor: User | None, ticket_type: TicketType, currency: str, amount_minor: int | None
) -> TicketType:
    """Set (or with None, withdraw) a ticket type's explicit price in one currency."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency, amount = _checked_price(currency, amount_minor)
    with transaction.atomic(durable=True):
        ticket_type = TicketType.objects.select_for_update(no_key=True).get(pk=ticket_type.pk)
        _set_price(ticket_type, TicketTypePrice, "ticket_type", currency, amount)
        record(
            action="ticket_type.price_set",
            target=ticket_type,
            actor=actor,
            currency=currency,
            amount_minor=amount,
        )
    return ticket_type


def set_addon_price(*, actor: User | None, addon: AddOn, currency: str, amount_minor: int | None) -> AddOn:
    """Set (or with None, withdraw) an add-on's explicit price in one currency."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency, amount = _checked_price(currency, amount_minor)
    with transaction.atomic(durable=True):
        addon = AddOn.objects.select_for_update(no_key=True).get(pk=addon.pk)
        _set_price(addon, AddOnPrice, "addon", currency, amount)
        record(action="addon.price_set", target=addon, actor=actor, currency=currency, amount_minor=amount)
    return addon


def _set_price(
    item: TicketType | AddOn,
    model: type[TicketTypePrice] | type[AddOnPrice],
    key: str,
    currency: str,
    amount: int | None,
) -> None:
    if currency == item.currency:
        if amount is None:
            raise CatalogError(
                CatalogErrorCode.INVALID_PRICE,
                f"The price in the shop's currency ({currency}) cannot be withdrawn; change it instead.",
                field="amount",
            )
        item.price_minor = amount
        item.save(update_fields=["price_minor"])
    lookup: dict[str, Any] = {key: item, "currency": currency}
    if amount is None:
        model.objects.filter(**lookup).delete()
    else:
        model.objects.update_or_create(defaults={"amount_minor": amount}, **lookup)
