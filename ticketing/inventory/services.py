"""Inventory use cases: stock for what is sold, holds that reserve a buyer's selection."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.inventory import locking
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Hold, HoldLine, Stock
from ticketing.inventory.selectors import (
    AddOnOffer,
    EventOffer,
    SaleState,
    TicketTypeOffer,
    due_holds,
    event_offer,
)
from ticketing.outbox.models import EventType
from ticketing.outbox.payloads import event_payload
from ticketing.outbox.services import record_event


@dataclass(frozen=True)
class Selection:
    """What a buyer asked for: quantities by ticket type id and by add-on id."""

    tickets: Mapping[int, int]
    addons: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedSelection:
    """A selection that passed every rule, with the stock quantities it takes."""

    offer: EventOffer
    tickets: list[tuple[TicketTypeOffer, int]]
    addons: list[tuple[AddOnOffer, int]]

    @property
    def ticket_count(self) -> int:
        return sum(quantity for _, quantity in self.tickets)

    def stock_quantities(self) -> dict[int, int]:
        quantities: Counter[int] = Counter()
        for ticket_offer, quantity in self.tickets:
            quantities[ticket_offer.stock_id] += quantity
        quantities[self.offer.event_stock_id] += self.ticket_count
        for addon_offer, quantity in self.addons:
            quantities[addon_offer.stock_id] += quantity
        return dict(quantities)


def check_selection(
    *,
    event: Event,
    selection: Selection,
    unlocked_ticket_type_ids: Collection[int] = (),
    box_office: bool = False,
    now: datetime | None = None,
    offer: EventOffer | None = None,
    currency: str = "",
) -> CheckedSelection:
    """Apply the sale rules to a selection without changing anything; raises InventoryError."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED or event.ends_at <= now:
        raise InventoryError(
            InventoryErrorCode.EVENT_NOT_ON_SALE, _("“%(event)s” is not on sale.") % {"event": event}
        )
    visibilities = (
        (TicketType.Visibility.PUBLIC, TicketType.Visibility.HIDDEN)
        if box_office
        else (TicketType.Visibility.PUBLIC,)
    )
    # A caller may pass the offer it already read for its form: availability is decided by
    # the guarded UPDATE at the end, not by this read, so a moment-old offer is as good.
    offer = offer or event_offer(
        event,
        visibilities=visibilities,
        unlocked_ticket_type_ids=unlocked_ticket_type_ids,
        with_addons=bool(selection.addons),
        now=now,
        currency=currency,
    )
    tickets: list[tuple[TicketTypeOffer, int]] = []
    for ticket_type_id, quantity in selection.tickets.items():
        _check_quantity(quantity)
        if quantity == 0:
            continue
        ticket_offer = offer.ticket_types.get(ticket_type_id)
        if ticket_offer is None:
            raise InventoryError(
                InventoryErrorCode.UNKNOWN_ITEM,
                _("One of the chosen tickets is not sold here."),
                field="tickets",
            )
        ticket_type = ticket_offer.ticket_type
        if ticket_offer.state in (SaleState.NOT_YET, SaleState.ENDED):
            when = (
                _("“%(name)s” is not on sale yet.")
                if ticket_offer.state == SaleState.NOT_YET
                else _("“%(name)s” is no longer on sale.")
            )
            raise InventoryError(
                InventoryErrorCode.NOT_ON_SALE,
                when % {"name": ticket_type.name},
                field=f"ticket_{ticket_type_id}",
            )
        if quantity < ticket_type.min_per_order:
            raise InventoryError(
                InventoryErrorCode.BELOW_MINIMUM,
                _("“%(name)s” is sold in orders of at least %(minimum)s.")
                % {"name": ticket_type.name, "minimum": ticket_type.min_per_order},
                field=f"ticket_{ticket_type_id}",
            )
        if ticket_offer.price_minor is None:
            raise not_offered(ticket_type.name, offer.currency, field=f"ticket_{ticket_type_id}")
        if quantity > ticket_type.max_per_order:
            raise InventoryError(
                InventoryErrorCode.ABOVE_MAXIMUM,
                _("At most %(maximum)s “%(name)s” tickets per order.")
                % {"maximum": ticket_type.max_per_order, "name": ticket_type.name},
                field=f"ticket_{ticket_type_id}",
            )
        tickets.append((ticket_offer, quantity))
    if not tickets:
        raise InventoryError(
            InventoryErrorCode.EMPTY_SELECTION, _("Choose at least one ticket."), field="tickets"
        )
    addons: list[tuple[AddOnOffer, int]] = []
    for addon_id, quantity in selection.addons.items():
        _check_quantity(quantity)
        if quantity == 0:
            continue
        addon_offer = offer.addons.get(addon_id)
        if addon_offer is None:
            raise InventoryError(
                InventoryErrorCode.UNKNOWN_ITEM,
                _("One of the chosen extras is not sold here."),
                field="addons",
            )
        if addon_offer.price_minor is None:
            raise not_offered(addon_offer.addon.name, offer.currency, field=f"addon_{addon_id}")
        if quantity > addon_offer.addon.max_per_order:
            raise InventoryError(
                InventoryErrorCode.ABOVE_MAXIMUM,
                _("At most %(maximum)s × “%(name)s” per order.")
                % {"maximum": addon_offer.addon.max_per_order, "name": addon_offer.addon.name},
                field=f"addon_{addon_id}",
            )
        addons.append((addon_offer, quantity))
    return CheckedSelection(offer=offer, tickets=tickets, addons=addons)


def not_offered(name: str, currency: str, *, field: str) -> InventoryError:
    return InventoryError(
        InventoryErrorCode.NOT_OFFERED_IN_CURRENCY,
        _("“%(name)s” is not offered in %(currency)s.") % {"name": name, "currency": currency},
        field=field,
    )


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise InventoryError(
            InventoryErrorCode.INVALID_QUANTITY,
            _("Quantities are whole numbers, zero or more."),
            field="tickets",
        )


def take_stock(checked: CheckedSelection, *, into: str) -> None:
    """Reserve a checked selection's units (held for a hold, sold for a direct sale) or refuse it whole.

    Call it last in the caller's transaction: the row locks it takes are held until commit.
    """
    try:
        sold_out = locking.take(checked.stock_quantities(), into="sold" if into == "sold" else "held")
    except locking.OutOfStock as shortage:
        raise _sold_out(checked, shortage.stock_id) from None
    record_if_sold_out(event=checked.offer.event, sold_out_event_ids=sold_out)


def record_if_sold_out(*, event: Event, sold_out_event_ids: Collection[int]) -> None:
    """Record ``event.sold_out`` when the sale just made took the event's last ticket (same transaction)."""
    if event.pk in sold_out_event_ids:
        record_event(type=EventType.EVENT_SOLD_OUT, payload=event_payload(event), target=event)


def _sold_out(checked: CheckedSelection, stock_id: int) -> InventoryError:
    left = Stock.objects.get(pk=stock_id).available
    if stock_id == checked.offer.event_stock_id:
        name = str(checked.offer.event)
        field_name = "tickets"
    else:
        items = [
            (offer.stock_id, offer.ticket_type.name, f"ticket_{offer.ticket_type.pk}")
            for offer, _ in checked.tickets
        ]
        items += [
            (offer.stock_id, offer.addon.name, f"addon_{offer.addon.pk}") for offer, _ in checked.addons
        ]
        name, field_name = next((label, key) for sid, label, key in items if sid == stock_id)
    message = (
        _("Sorry, “%(name)s” is sold out.") % {"name": name}
        if left == 0
        else _("Only %(left)s left for “%(name)s”: please choose fewer.") % {"left": left, "name": name}
    )
    return InventoryError(InventoryErrorCode.SOLD_OUT, message, field=field_name, extra={"available": left})


def reserve_tickets(
    *,
    event: Event,
    selection: Selection,
    unlocked_ticket_type_ids: Collection[int] = (),
    promo_code: str = "",
    currency: str = "",
    region: str = "",
) -> Hold:
    """Reserve a buyer's selection for the event's hold time; the tickets return by themselves after it.

    ``currency`` (the shop's when blank) and ``region`` ride on the hold: checkout prices in them.
    """
    try:
        return _reserve(event, selection, unlocked_ticket_type_ids, promo_code, currency, region)
    except InventoryError as error:
        # Holds past their time still count until released: release them now and try once more.
        if error.code == InventoryErrorCode.SOLD_OUT and expire_holds(event=event) > 0:
            return _reserve(event, selection, unlocked_ticket_type_ids, promo_code, currency, region)
        raise


def _reserve(
    event: Event,
    selection: Selection,
    unlocked_ticket_type_ids: Collection[int],
    promo_code: str,
    currency: str,
    region: str,
) -> Hold:
    with transaction.atomic(durable=True):
        checked = check_selection(
            event=event,
            selection=selection,
            unlocked_ticket_type_ids=unlocked_ticket_type_ids,
            currency=currency,
        )
        hold = Hold.objects.create(
            token=secrets.token_urlsafe(24),
            event=event,
            expires_at=timezone.now() + timedelta(minutes=event.hold_minutes),
            promo_code=promo_code,
            currency=checked.offer.currency,
            region=region,
        )
        HoldLine.objects.bulk_create(
            [
                HoldLine(hold=hold, stock_id=offer.stock_id, ticket_type=offer.ticket_type, quantity=quantity)
                for offer, quantity in checked.tickets
            ]
            + [
                HoldLine(hold=hold, stock_id=offer.stock_id, addon=offer.addon, quantity=quantity)
                for offer, quantity in checked.addons
            ]
        )
        take_stock(checked, into="held")
    return hold


def hold_stock_quantities(holds: Iterable[Hold]) -> dict[int, int]:
    """Units each stock row gives back when these holds end (ticket lines count on the event too)."""
    holds = list(holds)
    event_stocks = dict(
        Stock.objects.filter(
            event_id__in={hold.event_id for hold in holds}, ticket_type__isnull=True, addon__isnull=True
        ).values_list("event_id", "pk")
    )
    quantities: Counter[int] = Counter()
    for line in HoldLine.objects.filter(hold__in=holds):
        quantities[line.stock_id] += line.quantity
        if line.ticket_type_id is not None:
            hold = next(hold for hold in holds if hold.pk == line.hold_id)
            quantities[event_stocks[hold.event_id]] += line.quantity
    return dict(quantities)


def release_hold(*, hold: Hold) -> Hold:
    """The buyer gives their selection back before it expires."""
    with transaction.atomic(durable=True):
        hold = Hold.objects.select_for_update().get(pk=hold.pk)
        if hold.status != Hold.Status.ACTIVE:
            return hold
        hold.status = Hold.Status.RELEASED
        hold.save(update_fields=["status"])
        locking.give_back(hold_stock_quantities([hold]), from_="held")
    return hold


def expire_holds(*, event: Event | None = None, now: datetime | None = None, batch_size: int = 200) -> int:
    """Give back the tickets of every hold past its time; returns how many holds expired."""
    expired = 0
    while True:
        with transaction.atomic(durable=True):
            due = due_holds(now)
            if event is not None:
                due = due.filter(event=event)
            # SKIP LOCKED: a hold being turned into an order right now is left to that order.
            holds = list(due.select_for_update(skip_locked=True).order_by("pk")[:batch_size])
            if not holds:
                return expired
            Hold.objects.filter(pk__in=[hold.pk for hold in holds]).update(status=Hold.Status.EXPIRED)
            locking.give_back(hold_stock_quantities(holds), from_="held")
        expired += len(holds)
        if len(holds) < batch_size:
            return expired


def open_stock(
    *, event: Event, capacity: int, ticket_type: TicketType | None = None, addon: AddOn | None = None
) -> Stock:
    """The counter for a new event, ticket type or add-on (inside the catalog service's transaction)."""
    return Stock.objects.create(event=event, ticket_type=ticket_type, addon=addon, capacity=capacity)


def resize_stock(*, stock: Stock, capacity: int, label: str) -> None:
    """Change how many may be sold, never below what is held and sold already."""
    try:
        locking.resize(stock.pk, capacity)
    except locking.OutOfStock:
        stock.refresh_from_db()
        raise InventoryError(
            InventoryErrorCode.CAPACITY_BELOW_SOLD,
            _("%(what)s cannot go below the %(count)s already sold or reserved.")
            % {"what": label, "count": stock.held + stock.sold},
            field="capacity" if stock.ticket_type_id is None and stock.addon_id is None else "quantity",
        ) from None
