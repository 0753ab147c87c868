"""Order use cases: placing orders from holds or in one step, payment, cancellation, refunds.

Every top-level use case is one durable transaction. Inventory counters change last in
each (ticketing.inventory.locking), so their row locks are held only until the commit
that follows; confirmation e-mails and PDFs are queued after that commit.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from billing.ledger import services as ledger
from branding.selectors import email_sender
from core.errors import DomainError
from core.model_rows import InsertStatement
from core.side_effects import enqueue_after_commit, enqueue_relay_after_commit
from core.tasks import send_email
from ticketing.audit.services import log_entry, record
from ticketing.catalog.models import Event
from ticketing.catalog.services import mark_event_cancelled
from ticketing.discounts.selectors import EventDiscounts, canonical_code, discounts_for
from ticketing.discounts.services import give_back_code_use, use_code
from ticketing.inventory import locking
from ticketing.inventory.models import Hold
from ticketing.inventory.selectors import EventOffer, event_offer
from ticketing.inventory.services import (
    CheckedSelection,
    Selection,
    check_selection,
    hold_stock_quantities,
    record_if_sold_out,
    reserve_tickets,
    take_stock,
)
from ticketing.invoices.services import CreditedLine, issue_credit_note
from ticketing.orders.errors import OrderError, OrderErrorCode
from ticketing.orders.models import Order, OrderLine, Refund, Ticket
from ticketing.orders.pricing import Quote, quote
from ticketing.orders.tasks import send_due_confirmations, settle_cancelled_event
from ticketing.outbox.models import EventType
from ticketing.outbox.payloads import event_payload, order_payload, refund_payload
from ticketing.outbox.services import new_events, record_event
from ticketing.payments.selectors import provider_refund_due
from ticketing.payments.tasks import send_refund_to_provider
from ticketing.taxes.calculation import Taxation
from ticketing.taxes.selectors import currency_of, region_named, taxation_for
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission, Role
from ticketing.team.selectors import team_members
from ticketing.tickets.models import ConfirmationDue

# No I, O, 0 or 1: codes are read out over the phone and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
logger = logging.getLogger(__name__)

MAGIC_LINK_SALT = "orders.magic-link"
MAGIC_LINK_MAX_AGE = 60 * 60 * 24  # a day


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    phone: str = ""


def clean_buyer(buyer: Buyer) -> Buyer:
    name = " ".join(buyer.name.split())
    email = buyer.email.strip().lower()
    if not name:
        raise OrderError(OrderErrorCode.INVALID_BUYER, _("Please enter your name."), field="name")
    if len(name) > 150:
        raise OrderError(OrderErrorCode.INVALID_BUYER, _("Your name is too long."), field="name")
    try:
        validate_email(email)
    except ValidationError:
        raise OrderError(
            OrderErrorCode.INVALID_BUYER, _("Please enter a valid e-mail address."), field="email"
        ) from None
    return Buyer(name=name, email=email, phone=buyer.phone.strip()[:32])


def new_order_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_ticket_id() -> str:
    return secrets.token_hex(16)  # 128 random bits


def _check_expected_total(priced: Quote, expected_total_minor: int | None) -> None:
    if expected_total_minor is not None and expected_total_minor != priced.total_minor:
        raise OrderError(
            OrderErrorCode.PRICE_MISMATCH,
            _("The price shown to you no longer matches. Nothing was booked; please check the new total."),
            extra={"total_minor": priced.total_minor},
        )


def _currency_of(checked: CheckedSelection) -> str:
    return checked.offer.currency


def _region_currency(region: str) -> str:
    """The currency of the region with this code (the shop's when blank); raises for an unknown code."""
    return currency_of(region_named(region))


def _write_order(
    *,
    event: Event,
    priced: Quote,
    buyer: Buyer,
    payment_method: str,
    hold: Hold | None,
    audit: Mapping[str, Any] | None = None,
    confirm: bool = True,
    region: str = "",
) -> Order:
    """Insert the order with its lines, tickets, audit row and due confirmation, in one statement.

    ``audit`` adds to the data of the ``order.placed`` audit row; ``confirm=False`` writes no
    due confirmation (nobody to mail, or the caller has it sent later). The caller changes the
    inventory counters after. One round trip instead of five: each statement costs Django and
    PostgreSQL more than the rows it writes (see core.model_rows).
    """
    now = timezone.now()
    free = priced.total_minor == 0
    # A card payment happens now or not at all; a transfer takes days.
    wait = (
        timedelta(minutes=settings.CARD_PAYMENT_MINUTES)
        if payment_method == Order.PaymentMethod.CARD
        else timedelta(days=settings.PAY_LATER_DAYS)
    )
    order = Order(
        secret=secrets.token_urlsafe(24),
        event=event,
        hold=hold,
        status=Order.Status.PAID if free else Order.Status.PENDING_PAYMENT,
        buyer_name=buyer.name,
        buyer_email=buyer.email,
        buyer_phone=buyer.phone,
        currency=priced.currency,
        subtotal_minor=priced.subtotal_minor,
        discount_minor=priced.discount_minor,
        net_minor=priced.net_minor,
        tax_minor=priced.tax_minor,
        total_minor=priced.total_minor,
        prices_include_tax=priced.taxation.prices_include_tax,
        tax_jurisdiction=priced.taxation.jurisdiction,
        reverse_charge=priced.taxation.reverse_charge,
        buyer_vat_id=priced.taxation.vat_id,
        region=region,
        payment_method=Order.PaymentMethod.FREE if free else payment_method,
        promo_code=priced.promo_code,
        language=translation.get_language() or "",
        payment_due_at=None if free else now + wait,
        paid_at=now if free else None,
    )
    order.code = new_order_code()
    lines = [
        OrderLine(
            order=order,
            stock_id=line.stock_id,
            ticket_type=line.ticket_type,
            addon=line.addon,
            description=line.description,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            discount_minor=line.discount_minor,
            total_minor=line.total_minor,
            tax_rate_bp=line.tax_rate_bp,
            net_minor=line.net_minor,
            tax_minor=line.tax_minor,
            gross_minor=line.payable_minor,
        )
        for line in priced.lines
    ]
    tickets = [
        Ticket(
            public_id=new_ticket_id(),
            order=order,
            line=line,
            event=event,
            ticket_type=line.ticket_type,
            attendee_name=buyer.name,
        )
        for line in lines
        if line.ticket_type is not None
        for _ in range(line.quantity)
    ]
    rows = InsertStatement()
    rows.add(order)
    for line in lines:
        rows.add(line)  # one by one: their tickets refer to them
    rows.add(*tickets)
    _record_placed(rows, order, priced, **({"hold": hold.pk} if hold is not None else {}), **(audit or {}))
    if confirm and not _waits_for_card_payment(order):
        rows.add(ConfirmationDue(order=order))  # e-mailed by a relay after commit (_after_order_placed)
    rows.execute()
    # What was just written is what order.lines.all() and order.tickets.all() would read back:
    # remembered as Django's prefetching would, so showing the new order costs no query.
    order._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "lines": _already_fetched(order.lines.all(), lines),
        "tickets": _already_fetched(order.tickets.all(), tickets),
    }
    return order


def _already_fetched(queryset: QuerySet[Any], rows: list[Any]) -> QuerySet[Any]:
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    return queryset


def _waits_for_card_payment(order: Order) -> bool:
    """A card order's tickets are sent once its payment succeeds (ticketing.payments), not when placed."""
    return order.payment_method == Order.PaymentMethod.CARD and order.status == Order.Status.PENDING_PAYMENT


def _after_order_placed(order: Order) -> None:
    """Its confirmation is due (a row written with the order): have a relay send it after commit.

    One relay task per second and web process instead of one task per order: queueing a
    Celery task cost more CPU than the rest of writing the order (bench/profile_order.py).
    """
    if _waits_for_card_payment(order):
        return  # the tickets go out once the card payment succeeds (ticketing.payments)
    enqueue_relay_after_commit(send_due_confirmations, window=settings.CONFIRMATION_RELAY_WINDOW)


def _retrying_code_collisions(place: Callable[[], Order]) -> Order:
    """Run a whole order transaction again in the rare case its random code was taken.

    Cheaper than a savepoint around every insert: a collision (about one in 10^12 per
    existing order) rolls back the whole transaction, which then starts over cleanly.
    """
    for attempt in range(3):
        try:
            return place()
        except IntegrityError as error:
            if "order_code" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def buy_tickets(
    *,
    event: Event,
    selection: Selection,
    buyer: Buyer,
    payment_method: str = Order.PaymentMethod.PAY_LATER,
    promo_code: str = "",
    expected_total_minor: int | None = None,
    offer: EventOffer | None = None,
    discounts: EventDiscounts | None = None,
    region: str = "",
    vat_id: str = "",
    within: Callable[[Order], object] | None = None,
) -> Order:
    """One-step checkout: check, price and sell a selection in a single transaction.

    ``region`` (a region code; blank: the shop's currency, no tax rules) picks the currency
    and the tax rules; a business buyer's ``vat_id`` may make it a reverse charge.
    A caller may pass the ``offer`` and ``discounts`` it already read for its form (the
    discounts read for the same ``promo_code``, the offer in the region's currency);
    prices and counts are still guarded here.

    ``within`` is called with the new order inside its transaction, before the stock is
    taken (so not under the stock's row lock): what it writes commits with the order or
    rolls back with it, at no commit of its own (the API keeps its idempotent answer so).
    """
    buyer = clean_buyer(buyer)
    if discounts is not None and discounts.code != canonical_code(promo_code):
        raise ValueError("The discounts passed in were read for another promo code.")
    taxation = taxation_for(region, vat_id=vat_id)  # a malformed VAT ID refuses before anything changes
    currency = _region_currency(region)
    if offer is not None and offer.currency != currency:
        raise ValueError("The offer passed in is priced in another currency than the region's.")
    return _retrying_code_collisions(
        lambda: _buy(
            event,
            selection,
            buyer,
            payment_method,
            promo_code,
            expected_total_minor,
            offer,
            discounts,
            _Pricing(region=region, currency=currency, taxation=taxation),
            within,
        )
    )


@dataclass(frozen=True)
class _Pricing:
    region: str
    currency: str
    taxation: Taxation


def _buy(
    event: Event,
    selection: Selection,
    buyer: Buyer,
    payment_method: str,
    promo_code: str,
    expected_total_minor: int | None,
    offer: EventOffer | None,
    discounts: EventDiscounts | None,
    pricing: _Pricing,
    within: Callable[[Order], object] | None,
) -> Order:
    now = timezone.now()
    with transaction.atomic(durable=True):
        if discounts is None:
            discounts = discounts_for(event, code=promo_code, now=now)
        checked = check_selection(
            event=event,
            selection=selection,
            unlocked_ticket_type_ids=discounts.unlocked_ticket_type_ids(event_id=event.pk, now=now),
            offer=offer,
            now=now,
            currency=pricing.currency,
        )
        priced = quote(
            checked, currency=_currency_of(checked), discounts=discounts, now=now, taxation=pricing.taxation
        )
        _check_expected_total(priced, expected_total_minor)
        order = _write_order(
            event=event,
            priced=priced,
            buyer=buyer,
            payment_method=payment_method,
            hold=None,
            region=pricing.region,
        )
        if priced.promo_code_id is not None:
            use_code(discount_id=priced.promo_code_id, code=priced.promo_code)
        if within is not None:
            within(order)
        take_stock(checked, into="sold")  # last: its row locks last until the commit right after
        _after_order_placed(order)
    return order


def _record_placed(rows: InsertStatement, order: Order, priced: Quote, **data: Any) -> None:
    """Add the rows that record a new order (its audit row) to the statement inserting it."""
    if priced.discount_minor:
        data.update(discount_minor=priced.discount_minor, discounts=priced.discount_labels)
    entry = log_entry(
        action="order.placed", target=order, total_minor=order.total_minor, code=order.code, **data
    )
    rows.add(entry, refer={"object_id": order})
    # The domain events go in the same statement: a free (or desk-paid) order is created paid.
    events = [(EventType.ORDER_CREATED, order_payload(order))]
    if order.status == Order.Status.PAID:
        events.append((EventType.ORDER_PAID, order_payload(order)))
    rows.add(*new_events(events, target=order), refer={"object_id": order})


def start_checkout(*, event: Event, selection: Selection, promo_code: str = "", region: str = "") -> Hold:
    """Reserve a buyer's selection for checkout, with their promo code checked against it first.

    A code that is unknown, expired, used up or does not apply refuses the whole request
    and reserves nothing; a good one unlocks its code-only tickets and rides on the hold,
    as do the buyer's region and its currency.
    """
    now = timezone.now()
    currency = _region_currency(region)
    discounts = discounts_for(event, code=promo_code, now=now)
    unlocked = discounts.unlocked_ticket_type_ids(event_id=event.pk, now=now)
    if discounts.code:
        checked = check_selection(
            event=event, selection=selection, unlocked_ticket_type_ids=unlocked, now=now, currency=currency
        )
        quote(checked, currency=_currency_of(checked), discounts=discounts, now=now)  # refuses a bad code
    return reserve_tickets(
        event=event,
        selection=selection,
        unlocked_ticket_type_ids=unlocked,
        promo_code=discounts.code,
        currency=currency,
        region=region,
    )


def place_order(
    *,
    hold: Hold,
    buyer: Buyer,
    payment_method: str = Order.PaymentMethod.PAY_LATER,
    expected_total_minor: int | None = None,
    vat_id: str = "",
) -> Order:
    """Turn a buyer's hold into an order; placing the same hold twice returns the same order.

    The hold's region gives the currency and tax rules; a business buyer's ``vat_id`` may
    make it a reverse charge (a malformed one refuses the order, changing nothing).
    """
    buyer = clean_buyer(buyer)
    taxation = taxation_for(hold.region, vat_id=vat_id)
    return _retrying_code_collisions(
        lambda: _place(hold, buyer, payment_method, expected_total_minor, taxation)
    )


def _place(
    hold: Hold, buyer: Buyer, payment_method: str, expected_total_minor: int | None, taxation: Taxation
) -> Order:
    with transaction.atomic(durable=True):
        hold = Hold.objects.select_for_update(of=("self",)).select_related("event").get(pk=hold.pk)
        if hold.status == Hold.Status.CONVERTED:
            return Order.objects.get(hold=hold)
        if hold.status == Hold.Status.EXPIRED or (
            hold.status == Hold.Status.ACTIVE and hold.expires_at <= timezone.now()
        ):
            raise OrderError(
                OrderErrorCode.HOLD_EXPIRED,
                _("Your reservation has expired and the tickets went back on sale. Please choose again."),
            )
        if hold.status != Hold.Status.ACTIVE:
            raise OrderError(
                OrderErrorCode.HOLD_NOT_ACTIVE, _("This reservation was given up. Please choose again.")
            )
        if hold.event.status == Event.Status.CANCELLED:
            raise OrderError(
                OrderErrorCode.EVENT_CANCELLED,
                _("Sorry, “%(event)s” has been cancelled.") % {"event": hold.event},
            )
        priced = quote_hold(hold, taxation=taxation)
        _check_expected_total(priced, expected_total_minor)
        order = _write_order(
            event=hold.event,
            priced=priced,
            buyer=buyer,
            payment_method=payment_method,
            hold=hold,
            region=hold.region,
        )
        hold.status = Hold.Status.CONVERTED
        hold.save(update_fields=["status"])
        if priced.promo_code_id is not None:
            use_code(discount_id=priced.promo_code_id, code=priced.promo_code)
        sold_out = locking.convert_held_to_sold(hold_stock_quantities([hold]))
        record_if_sold_out(event=hold.event, sold_out_event_ids=sold_out)
        _after_order_placed(order)
    return order


def quote_hold(hold: Hold, *, taxation: Taxation | None = None) -> Quote:
    """Today's price of what a hold reserves in its currency, its promo code included (raises if
    the code lapsed), taxed under ``taxation`` (the hold's region's rules for a buyer without a
    VAT ID when None)."""
    lines = list(hold.lines.select_related("ticket_type", "addon"))
    offer = event_offer(hold.event, visibilities=("public", "hidden", "code_only"), currency=hold.currency)
    tickets = [
        (offer.ticket_types[line.ticket_type_id], line.quantity) for line in lines if line.ticket_type_id
    ]
    addons = [(offer.addons[line.addon_id], line.quantity) for line in lines if line.addon_id]
    checked = CheckedSelection(offer=offer, tickets=tickets, addons=addons)
    discounts = discounts_for(hold.event, code=hold.promo_code)
    if taxation is None:
        taxation = taxation_for(hold.region)
    return quote(checked, currency=_currency_of(checked), discounts=discounts, taxation=taxation)


def mark_order_paid(*, order: Order, actor: User | None) -> Order:
    """Record the payment of a pay-later order (received at the box office or by transfer).

    The offline payment provider's use case (ticketing.payments.services.record_offline_payment):
    a Payment row of the offline provider, the reseller-collected sale and the invoice in one
    transaction.
    """
    from ticketing.payments.services import record_offline_payment  # payments builds on orders

    return record_offline_payment(order=order, actor=actor)


def _return_units(
    order: Order, tickets: Iterable[Ticket], *, whole_order: bool, credited: list[CreditedLine] | None = None
) -> tuple[int, dict[int, int]]:
    """Mark lines' units returned; gives (their value, stock quantities to give back), and
    appends to ``credited`` what each line gives back, tax included, for the credit note."""
    lines = {line.pk: line for line in order.lines.select_for_update()}
    per_line: Counter[int] = Counter(ticket.line_id for ticket in tickets)
    if whole_order:
        per_line = Counter(
            {
                pk: line.quantity - line.returned_quantity
                for pk, line in lines.items()
                if line.quantity > line.returned_quantity
            }
        )
    value = 0
    quantities: Counter[int] = Counter()
    event_stock_id = order.event.stocks.get(ticket_type=None, addon=None).pk
    for line_pk, units in per_line.items():
        line = lines[line_pk]
        line_value = line.unit_refund_minor(units)
        value += line_value
        if credited is not None:
            credited.append(
                CreditedLine(
                    description=line.description,
                    quantity=units,
                    tax_rate_bp=line.tax_rate_bp,
                    tax_minor=line.unit_tax_minor(units),
                    gross_minor=line_value,
                )
            )
        line.returned_quantity += units
        line.save(update_fields=["returned_quantity"])
        quantities[line.stock_id] += units
        if line.ticket_type_id is not None:
            quantities[event_stock_id] += units
    return value, dict(quantities)


def _refund_tax(order: Order, credited: list[CreditedLine]) -> list[dict[str, Any]]:
    """A refund's net and tax per rate, for the ledger's tax summaries."""
    bands: dict[int, list[int]] = {}
    for line in credited:
        band = bands.setdefault(line.tax_rate_bp, [0, 0])
        band[0] += line.gross_minor - line.tax_minor
        band[1] += line.tax_minor
    return [
        {
            "jurisdiction": order.tax_jurisdiction,
            "rate_bp": rate,
            "reverse_charge": order.reverse_charge,
            "net_minor": net,
            "tax_minor": tax,
        }
        for rate, (net, tax) in sorted(bands.items(), reverse=True)
    ]


def cancel_order(*, order: Order, actor: User | None, reason: str = "") -> Order:
    """Cancel an unpaid order; its tickets are voided and go back on sale."""
    require_permission(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order.pk)
        if order.status == Order.Status.CANCELLED:
            return order
        if order.status != Order.Status.PENDING_PAYMENT:
            raise OrderError(
                OrderErrorCode.STATUS_CONFLICT,
                _("Only unpaid orders can be cancelled; refund a paid order instead."),
            )
        _value, quantities = _return_units(order, [], whole_order=True)
        order.tickets.filter(status=Ticket.Status.VALID).update(status=Ticket.Status.CANCELLED)
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
        record(action="order.cancelled", target=order, actor=actor, reason=reason)
        record_event(
            type=EventType.ORDER_CANCELLED, payload={**order_payload(order), "reason": reason}, target=order
        )
        give_back_code_use(code=order.promo_code)
        locking.give_back(quantities, from_="sold")
    return order


def refund_order(
    *, order: Order, actor: User | None, ticket_ids: Collection[int] | None = None, reason: str = ""
) -> Refund:
    """Refund a paid order in full (no ticket_ids) or some of its tickets; they go back on sale."""
    require_permission(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order.pk)
        if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
            raise OrderError(
                OrderErrorCode.STATUS_CONFLICT,
                _("A %(status)s order cannot be refunded.")
                % {"status": str(order.get_status_display()).lower()},
            )
        valid = order.tickets.filter(status=Ticket.Status.VALID)
        whole = ticket_ids is None
        tickets = list(valid if whole else valid.filter(pk__in=list(ticket_ids or ())))
        if not whole and (not tickets or len(tickets) != len(set(ticket_ids or ()))):
            raise OrderError(
                OrderErrorCode.NOTHING_TO_REFUND,
                _("Choose tickets of this order that are still valid."),
                field="tickets",
            )
        credited: list[CreditedLine] = []
        value, quantities = _return_units(order, tickets, whole_order=whole, credited=credited)
        if value == 0 and not quantities:
            raise OrderError(OrderErrorCode.NOTHING_TO_REFUND, _("Nothing is left to refund on this order."))
        provider = provider_refund_due(order=order) if value else ""
        refund = Refund.objects.create(
            order=order,
            amount_minor=value,
            currency=order.currency,
            reason=reason,
            actor=actor,
            # A card payment's money goes back through its provider once this commits.
            provider=provider,
            provider_status=Refund.ProviderStatus.PENDING if provider else Refund.ProviderStatus.NONE,
        )
        Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(
            status=Ticket.Status.REFUNDED, refund=refund
        )
        order.refunded_minor += value
        order.status = (
            Order.Status.REFUNDED
            if whole or not order.tickets.filter(status=Ticket.Status.VALID).exists()
            else Order.Status.PARTIALLY_REFUNDED
        )
        order.save(update_fields=["status", "refunded_minor"])
        ledger.record_refund(order=order, refund=refund, tax=_refund_tax(order, credited))  # same transaction
        issue_credit_note(order=order, refund=refund, lines=credited)  # the invoice stays, credited
        record(
            action="order.refunded",
            target=order,
            actor=actor,
            amount_minor=value,
            tickets=[ticket.public_id for ticket in tickets],
            reason=reason,
        )
        record_event(
            type=EventType.ORDER_REFUNDED,
            payload=refund_payload(order, refund, [ticket.public_id for ticket in tickets]),
            target=order,
        )
        locking.give_back(quantities, from_="sold")
        if provider:
            enqueue_after_commit(send_refund_to_provider, refund_id=refund.pk)
    return refund


def cancel_event(*, actor: User | None, event: Event, reason: str = "") -> Event:
    """The organizer calls an event off: sales stop at once, then every open order is settled.

    Settling (unpaid orders cancelled, paid ones refunded in full, tickets voided) runs
    after the commit, one order per transaction, so a big event never holds one huge lock.
    """
    require_permission(actor, Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
    with transaction.atomic(durable=True):
        event = mark_event_cancelled(actor=actor, event=event, reason=reason)
        record_event(
            type=EventType.EVENT_CANCELLED, payload={**event_payload(event), "reason": reason}, target=event
        )
        enqueue_after_commit(
            settle_cancelled_event, event_id=event.pk, actor_id=actor.pk if actor else None, reason=reason
        )
    return event


@dataclass(frozen=True)
class UnsettledOrder:
    """An order of a cancelled event that could not be cancelled or refunded, and why."""

    code: str
    status: str
    reason: str


@dataclass(frozen=True)
class Settlement:
    """What one settling run did: how many orders it settled, and those it could not."""

    settled: int
    unsettled: list[UnsettledOrder]


def settle_orders_of_cancelled_event(*, event: Event, actor: User | None, reason: str = "") -> Settlement:
    """Cancel each unpaid order and refund each paid one of a cancelled event, as many as can be.

    Each order is its own transaction: one that is refused (the ledger cannot cover its
    refund, say) stays open and the others are still settled. The ones left are written
    to the event's audit trail and mailed to the shop's owners. Safe to run again: it
    only touches orders that are still open, so a later run retries just those.
    """
    if event.status != Event.Status.CANCELLED:
        raise OrderError(OrderErrorCode.STATUS_CONFLICT, "Only a cancelled event's orders are settled.")
    reason = reason or f"Event cancelled: {event}"
    settled = 0
    unsettled: list[UnsettledOrder] = []
    open_statuses = (Order.Status.PENDING_PAYMENT, Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
    for order in list(Order.objects.filter(event=event, status__in=open_statuses).order_by("pk")):
        try:
            if order.status == Order.Status.PENDING_PAYMENT:
                cancel_order(order=order, actor=actor, reason=reason)
            else:
                refund_order(order=order, actor=actor, reason=reason)
        except DomainError as error:
            current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
            if current not in open_statuses:
                continue  # settled meanwhile by someone else: nothing left to do
            unsettled.append(UnsettledOrder(code=order.code, status=str(current), reason=error.message))
        except Exception:  # one broken order must not stop the others; it is reported
            logger.exception("Settling order %s of cancelled event %s failed", order.code, event.pk)
            unsettled.append(
                UnsettledOrder(code=order.code, status=order.status, reason="An unexpected error occurred.")
            )
        else:
            settled += 1
    if unsettled:
        _report_unsettled(event=event, actor=actor, unsettled=unsettled)
    return Settlement(settled=settled, unsettled=unsettled)


def _report_unsettled(*, event: Event, actor: User | None, unsettled: list[UnsettledOrder]) -> None:
    """The organizer learns which orders are still open and why: an audit row, and a mail to the owners."""
    with transaction.atomic(durable=True):
        record(
            action="event.settlement_incomplete",
            target=event,
            actor=actor,
            orders=[{"code": item.code, "status": item.status, "reason": item.reason} for item in unsettled],
        )
        recipients = sorted(
            {member.user.email for member in team_members() if member.role == Role.OWNER}
            | ({actor.email} if actor is not None and actor.email else set())
        )
        if recipients:
            lines = "\n".join(f"- {item.code} ({item.status}): {item.reason}" for item in unsettled)
            enqueue_after_commit(
                send_email,
                to=recipients,
                subject=f"{len(unsettled)} order(s) of the cancelled event {event.name} are still open",
                body=(
                    f"The event {event.name} was cancelled. These orders could not be cancelled or "
                    f"refunded and are still open:\n\n{lines}\n\nSettle them from the back office's "
                    "order pages once the reason is resolved; settling the event again retries only these.\n"
                ),
            )


def expire_unpaid_orders(*, now: datetime | None = None) -> int:
    """Pay-later orders past their due date lapse; their tickets go back on sale."""
    now = now or timezone.now()
    expired = 0
    due = Order.objects.filter(status=Order.Status.PENDING_PAYMENT, payment_due_at__lte=now)
    for order_pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic(durable=True):
            order = (
                Order.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event")
                .filter(pk=order_pk, status=Order.Status.PENDING_PAYMENT)
                .first()
            )
            if order is None:
                continue
            _value, quantities = _return_units(order, [], whole_order=True)
            order.tickets.filter(status=Ticket.Status.VALID).update(status=Ticket.Status.CANCELLED)
            order.status = Order.Status.EXPIRED
            order.save(update_fields=["status"])
            record(action="order.expired", target=order)
            record_event(type=EventType.ORDER_EXPIRED, payload=order_payload(order), target=order)
            give_back_code_use(code=order.promo_code)
            locking.give_back(quantities, from_="sold")
        expired += 1
    return expired


def magic_link_token(email: str) -> str:
    return signing.TimestampSigner(salt=MAGIC_LINK_SALT).sign(email.strip().lower())


def email_for_magic_link(token: str) -> str:
    try:
        return signing.TimestampSigner(salt=MAGIC_LINK_SALT).unsign(token, max_age=MAGIC_LINK_MAX_AGE)
    except signing.BadSignature:
        raise OrderError(
            OrderErrorCode.INVALID_LINK, _("This link is invalid or has expired. Ask for a new one.")
        ) from None


def send_my_tickets_link(*, email: str, link_base: str) -> None:
    """E-mail a sign-in-free link to every order of this address (sent whether or not any exist)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise OrderError(
            OrderErrorCode.INVALID_BUYER, _("Please enter a valid e-mail address."), field="email"
        ) from None
    url = f"{link_base}{magic_link_token(email)}/"
    sender = email_sender()
    with transaction.atomic(durable=True):
        enqueue_after_commit(
            send_email,
            to=[email],
            # In the language the buyer asked in, from the shop's name.
            subject=_("Your tickets"),
            body=_("Open this link to see your orders and tickets (valid for 24 hours):") + f"\n\n{url}\n",
            from_email=sender.from_email,
            reply_to=sender.reply_to,
        )
