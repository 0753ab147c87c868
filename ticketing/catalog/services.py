"""Catalog use cases: the only writers of venues, events, series, ticket types and add-ons."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, models, transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from billing import entitlements
from branding.services import RASTER_FORMATS, ImageRule, checked_image
from core.side_effects import after_commit
from tenants.context import current_schema_name
from ticketing.audit.services import record
from ticketing.catalog.errors import CatalogError, CatalogErrorCode
from ticketing.catalog.models import AddOn, Event, EventSeries, TicketType, Venue
from ticketing.catalog.selectors import live_event_count
from ticketing.inventory.services import open_stock, resize_stock
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

_EVENT_FIELDS = {
    "name", "slug", "description", "starts_at", "ends_at", "timezone", "venue", "series",
    "attendance_mode", "online_url", "image", "hold_minutes",
}  # fmt: skip
_TICKET_TYPE_FIELDS = {
    "name", "kind", "description", "price_minor", "sale_starts_at", "sale_ends_at",
    "min_per_order", "max_per_order", "visibility", "position",
}  # fmt: skip
_ADDON_FIELDS = {"name", "kind", "description", "price_minor", "max_per_order", "position"}


def shop_currency() -> str:
    return str(getattr(getattr(connection, "tenant", None), "default_currency", "EUR"))


def _validated(instance: models.Model) -> None:
    """Run field and constraint validation; the first problem becomes a CatalogError on its field."""
    timezone_name = getattr(instance, "timezone", None)
    if timezone_name is not None:
        try:
            ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CatalogError(
                CatalogErrorCode.INVALID,
                _("Unknown time zone “%(zone)s”.") % {"zone": timezone_name},
                field="timezone",
            ) from None
    try:
        instance.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        # By the error's code, not its words: the message is in the staff member's language.
        codes = [problem.code for problem in error.error_dict.get(field, [])]
        code = CatalogErrorCode.SLUG_TAKEN if field == "slug" and "unique" in codes else None
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


_VENUE_FIELDS = {"name", "address", "city", "country", "timezone"}


def update_venue(*, actor: User | None, venue: Venue, **changes: Any) -> Venue:
    """Change a venue's name, address or time zone (events keep the time zone they were given)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    if "country" in changes:
        changes["country"] = str(changes["country"]).upper()
    with transaction.atomic(durable=True):
        venue = Venue.objects.select_for_update().get(pk=venue.pk)
        changed = _set_fields(venue, _VENUE_FIELDS, changes)
        _validated(venue)
        venue.save()
        record(action="venue.updated", target=venue, actor=actor, fields=sorted(changed))
    return venue


def _new_event(*, capacity: int, **fields: Any) -> Event:
    entitlements.check_limit(
        entitlements.Limit.EVENTS, in_use=live_event_count()
    )  # billing: the plan's limit
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
                stock=event.stocks.get(ticket_type=None, addon=None), capacity=capacity, label=_("Capacity")
            )
            event.capacity = capacity
            changed.append("capacity")
        _validated(event)
        event.save()
        record(action="event.updated", target=event, actor=actor, fields=sorted(changed))
    return event


EVENT_IMAGE_RULE = ImageRule(
    label=gettext_lazy("event image"), max_bytes=2_000_000, max_side=4_000, formats=RASTER_FORMATS
)


def set_event_image(*, actor: User | None, event: Event, image: File | None) -> Event:
    """Show an image on the event's pages (a PNG, JPEG, GIF or WebP up to 2 MB), or remove it (None)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    stored_name = ""
    if image is not None:
        image = checked_image(image, EVENT_IMAGE_RULE, field="image")
        # Each shop's images in its own folder, under a name nobody can guess.
        stored_name = f"{current_schema_name()}/{uuid.uuid4().hex}{PurePosixPath(image.name or '').suffix}"
    with transaction.atomic(durable=True):
        event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        previous = event.image.name if event.image else ""
        if image is None:
            event.image.name = ""
        else:
            event.image.save(stored_name, image, save=False)
        event.save(update_fields=["image"])
        record(
            action="event.image_changed",
            target=event,
            actor=actor,
            image=event.image.name or "",
            previous=previous,
        )
        if previous:
            # The old file goes once the change is committed; a rollback keeps it in use.
            after_commit(event.image.storage.delete, previous)
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
            _("A %(status)s event cannot do that.") % {"status": str(event.get_status_display()).lower()},
        )
    if status == Event.Status.PUBLISHED and not event.ticket_types.exists():
        raise CatalogError(CatalogErrorCode.INVALID, _("Add at least one ticket type before publishing."))
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
        raise CatalogError(
            CatalogErrorCode.INVALID, _("A series has between 1 and 366 dates."), field="count"
        )
    if every <= timedelta(0):
        raise CatalogError(
            CatalogErrorCode.INVALID, _("Dates must be a positive interval apart."), field="every"
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
            _copy_offer(event, ticket_types=ticket_types, addons=addons, shift=every * index)
        record(action="series.created", target=series, actor=actor, template=template.pk, count=count)
    return series


def _copy_offer(
    event: Event, *, ticket_types: Sequence[TicketType], addons: Sequence[AddOn], shift: timedelta
) -> None:
    """Give a series date copies of a template's ticket types and add-ons, sale windows moved along."""
    for ticket_type in ticket_types:
        fields = {name: getattr(ticket_type, name) for name in _TICKET_TYPE_FIELDS}
        for name in ("sale_starts_at", "sale_ends_at"):
            if fields[name] is not None:
                fields[name] += shift
        _new_ticket_type(event=event, quantity=ticket_type.quantity, currency=ticket_type.currency, **fields)
    for addon in addons:
        _new_addon(
            event=event,
            quantity=addon.quantity,
            currency=addon.currency,
            **{name: getattr(addon, name) for name in _ADDON_FIELDS},
        )


def create_series_on_dates(
    *,
    actor: User | None,
    name: str,
    slug: str,
    starts: Sequence[datetime],
    duration: timedelta,
    capacity: int,
    timezone: str = "UTC",
    venue: Venue | None = None,
    description: str = "",
    hold_minutes: int = 15,
    template: Event | None = None,
) -> EventSeries:
    """A series with one draft event per start (see catalog.recurrence), each editable afterwards.

    With a ``template``, every date gets copies of its ticket types and add-ons, their sale
    windows moved by the distance between the template's start and the date's.
    """
    require_permission(actor, Permission.MANAGE_CATALOG)
    if duration <= timedelta(0):
        raise CatalogError(
            CatalogErrorCode.INVALID, _("An event lasts at least a minute."), field="duration_minutes"
        )
    if not starts:
        raise CatalogError(CatalogErrorCode.INVALID, _("The rule gives no dates."))
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogError(
            CatalogErrorCode.INVALID,
            _("Unknown time zone “%(zone)s”.") % {"zone": timezone},
            field="timezone",
        ) from None
    with transaction.atomic(durable=True):
        series = EventSeries(name=name, slug=slug, description=description)
        _validated(series)
        series.save()
        ticket_types = list(template.ticket_types.all()) if template is not None else []
        addons = list(template.addons.all()) if template is not None else []
        for starts_at in sorted(set(starts)):
            event = _new_event(
                capacity=capacity,
                name=name,
                slug=f"{slug}-{localtime(starts_at, zone):%Y%m%d-%H%M}",
                description=description,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                timezone=timezone,
                venue=venue,
                series=series,
                hold_minutes=hold_minutes,
            )
            if template is not None:
                _copy_offer(
                    event, ticket_types=ticket_types, addons=addons, shift=starts_at - template.starts_at
                )
        record(
            action="series.created",
            target=series,
            actor=actor,
            template=template.pk if template is not None else None,
            count=len(set(starts)),
        )
    return series


def _new_ticket_type(*, event: Event, quantity: int, currency: str, **fields: Any) -> TicketType:
    ticket_type = TicketType(event=event, quantity=quantity, currency=currency)
    _set_fields(ticket_type, _TICKET_TYPE_FIELDS, fields)
    _validated(ticket_type)
    ticket_type.save()
    open_stock(event=event, ticket_type=ticket_type, capacity=quantity)
    return ticket_type


def _check_currency(currency: str) -> str:
    expected = shop_currency()
    if currency and currency != expected:
        raise CatalogError(
            CatalogErrorCode.WRONG_CURRENCY,
            _("This shop sells in %(expected)s, not %(currency)s.")
            % {"expected": expected, "currency": currency},
            field="currency",
        )
    return expected


def create_ticket_type(
    *, actor: User | None, event: Event, quantity: int, currency: str = "", **fields: Any
) -> TicketType:
    """Add a ticket type (name, price_minor, sale window, min/max per order, visibility) to an event."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency = _check_currency(currency)
    with transaction.atomic(durable=True):
        ticket_type = _new_ticket_type(event=event, quantity=quantity, currency=currency, **fields)
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
    *, actor: User | None, ticket_type: TicketType, quantity: int | None = None, **changes: Any
) -> TicketType:
    """Change a ticket type; its quantity never goes below what is sold or held."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    with transaction.atomic(durable=True):
        ticket_type = TicketType.objects.select_for_update(no_key=True).get(pk=ticket_type.pk)
        changed = _set_fields(ticket_type, _TICKET_TYPE_FIELDS, changes)
        if quantity is not None and quantity != ticket_type.quantity:
            resize_stock(stock=ticket_type.stock, capacity=quantity, label=f"“{ticket_type.name}”")
            ticket_type.quantity = quantity
            changed.append("quantity")
        _validated(ticket_type)
        ticket_type.save()
        record(action="ticket_type.updated", target=ticket_type, actor=actor, fields=sorted(changed))
    return ticket_type


def _new_addon(*, event: Event, quantity: int, currency: str, **fields: Any) -> AddOn:
    addon = AddOn(event=event, quantity=quantity, currency=currency)
    _set_fields(addon, _ADDON_FIELDS, fields)
    _validated(addon)
    addon.save()
    open_stock(event=event, addon=addon, capacity=quantity)
    return addon


def create_addon(
    *, actor: User | None, event: Event, quantity: int, currency: str = "", **fields: Any
) -> AddOn:
    """Offer an extra (parking, merchandise) alongside an event's tickets."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    currency = _check_currency(currency)
    with transaction.atomic(durable=True):
        addon = _new_addon(event=event, quantity=quantity, currency=currency, **fields)
        record(action="addon.created", target=addon, actor=actor, event=event.pk, quantity=quantity)
    return addon


def update_addon(*, actor: User | None, addon: AddOn, quantity: int | None = None, **changes: Any) -> AddOn:
    """Change an add-on; its quantity never goes below what is sold or held."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    with transaction.atomic(durable=True):
        addon = AddOn.objects.select_for_update(no_key=True).get(pk=addon.pk)
        changed = _set_fields(addon, _ADDON_FIELDS, changes)
        if quantity is not None and quantity != addon.quantity:
            resize_stock(stock=addon.stock, capacity=quantity, label=f"“{addon.name}”")
            addon.quantity = quantity
            changed.append("quantity")
        _validated(addon)
        addon.save()
        record(action="addon.updated", target=addon, actor=actor, fields=sorted(changed))
    return addon
