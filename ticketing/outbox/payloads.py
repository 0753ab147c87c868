"""The JSON shapes of the objects in domain events: built from rows the service already holds.

No reads here: the order path pays for one INSERT, never an extra SELECT, so related
objects appear by id (``"event": 12``), as in Stripe's events. Money is
``{"amount": minor units, "currency": "EUR"}``; times are ISO 8601 in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # attributes only: inventory records events too and must not import orders
    from ticketing.catalog.models import Event
    from ticketing.orders.models import Order, Refund, Ticket


def money(amount_minor: int, currency: str) -> dict[str, Any]:
    return {"amount": amount_minor, "currency": currency}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def order_payload(order: Order) -> dict[str, Any]:
    return {
        "object": "order",
        "id": order.pk,
        "code": order.code,
        "status": order.status,
        "event": order.event_id,
        "buyer": {"name": order.buyer_name, "email": order.buyer_email, "phone": order.buyer_phone},
        "payment_method": order.payment_method,
        "promo_code": order.promo_code,
        "language": order.language,
        "subtotal": money(order.subtotal_minor, order.currency),
        "discount": money(order.discount_minor, order.currency),
        "total": money(order.total_minor, order.currency),
        "refunded": money(order.refunded_minor, order.currency),
        "created_at": _time(order.created_at),
        "paid_at": _time(order.paid_at),
        "payment_due_at": _time(order.payment_due_at),
    }


def refund_payload(order: Order, refund: Refund, ticket_ids: Iterable[str]) -> dict[str, Any]:
    return {
        **order_payload(order),
        "refund": {
            "object": "refund",
            "id": refund.pk,
            "amount": money(refund.amount_minor, refund.currency),
            "reason": refund.reason,
            "tickets": list(ticket_ids),
            "created_at": _time(refund.created_at),
        },
    }


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "object": "event",
        "id": event.pk,
        "name": event.name,
        "slug": event.slug,
        "status": event.status,
        "starts_at": _time(event.starts_at),
        "ends_at": _time(event.ends_at),
        "timezone": event.timezone,
        "capacity": event.capacity,
    }


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """For ``ticket.checked_in`` (recorded by the check-in service, with its own fields added)."""
    return {
        "object": "ticket",
        "id": ticket.public_id,
        "order": ticket.order_id,
        "event": ticket.event_id,
        "ticket_type": ticket.ticket_type_id,
        "attendee_name": ticket.attendee_name,
        "status": ticket.status,
    }
