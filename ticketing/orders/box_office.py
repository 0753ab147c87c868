"""Selling at the box office's desk: tickets picked by staff, paid there and then.

Kept beside orders.services (it shares their order writer) so that the online checkout
module stays about the buyer's path.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing.ledger import services as ledger
from ticketing.audit.services import record
from ticketing.catalog.models import Event
from ticketing.discounts.selectors import discounts_for
from ticketing.inventory.services import Selection, check_selection, take_stock
from ticketing.invoices.services import issue_invoice
from ticketing.orders.errors import OrderError, OrderErrorCode
from ticketing.orders.models import Order
from ticketing.orders.pricing import quote
from ticketing.orders.services import (
    Buyer,
    _after_order_placed,
    _currency_of,
    _retrying_code_collisions,
    _write_order,
)
from ticketing.outbox.models import EventType
from ticketing.outbox.payloads import order_payload
from ticketing.outbox.services import record_event
from ticketing.taxes.selectors import desk_region, taxation_for
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

DESK_PAYMENT_METHODS = (Order.PaymentMethod.CASH, Order.PaymentMethod.CARD_TERMINAL)


def _desk_buyer(name: str, email: str) -> Buyer:
    """At the desk a buyer may stay anonymous; an e-mail given must be a real address."""
    name = " ".join(name.split())
    email = email.strip().lower()
    if len(name) > 150:
        raise OrderError(OrderErrorCode.INVALID_BUYER, _("The name is too long."), field="buyer_name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise OrderError(
                OrderErrorCode.INVALID_BUYER, _("Enter a valid e-mail address."), field="buyer_email"
            ) from None
    return Buyer(name=name, email=email)


def sell_at_box_office(
    *,
    actor: User | None,
    event: Event,
    selection: Selection,
    payment_method: str,
    buyer_name: str = "",
    buyer_email: str = "",
) -> Order:
    """Sell tickets (hidden box-office types too) paid at the desk: the order is paid at once.

    With an e-mail address the buyer also gets the confirmation with the tickets; without
    one, staff print the tickets from the order's page.
    """
    require_permission(actor, Permission.SELL_BOX_OFFICE)
    if payment_method not in DESK_PAYMENT_METHODS:
        raise OrderError(
            OrderErrorCode.INVALID_PAYMENT_METHOD,
            _("Choose cash or the card terminal."),
            field="payment_method",
        )
    buyer = _desk_buyer(buyer_name, buyer_email)
    return _retrying_code_collisions(lambda: _sell(actor, event, selection, payment_method, buyer))


def _sell(actor: User | None, event: Event, selection: Selection, payment_method: str, buyer: Buyer) -> Order:
    now = timezone.now()
    with transaction.atomic(durable=True):
        discounts = discounts_for(event, code="", now=now)  # automatic ones (groups) apply at the desk too
        checked = check_selection(event=event, selection=selection, box_office=True, now=now)
        region = desk_region()
        priced = quote(
            checked,
            currency=_currency_of(checked),
            discounts=discounts,
            now=now,
            taxation=taxation_for(region.code if region is not None else ""),
        )
        order = _write_order(
            event=event,
            priced=priced,
            buyer=buyer,
            payment_method=payment_method,
            hold=None,
            audit={"box_office": True},
            confirm=bool(buyer.email),  # an anonymous desk sale has nobody to mail
            region=region.code if region is not None else "",
        )
        if order.status != Order.Status.PAID:  # a free order is paid already (and said so)
            order.status = Order.Status.PAID
            order.paid_at = now
            order.payment_due_at = None
            order.save(update_fields=["status", "paid_at", "payment_due_at"])
            record_event(type=EventType.ORDER_PAID, payload=order_payload(order), target=order)
        record(
            action="order.paid",
            target=order,
            actor=actor,
            total_minor=order.total_minor,
            method=payment_method,
        )
        # billing, in the same transaction: the desk's own fee rules (channel "box_office") apply
        ledger.record_sale(order=order, collected_by=ledger.CollectedBy.RESELLER, channel="box_office")
        issue_invoice(order=order)  # paid at the desk: invoiced in the same transaction
        take_stock(checked, into="sold")  # last: its row locks last until the commit right after
        if order.buyer_email:
            _after_order_placed(order)
    return order
