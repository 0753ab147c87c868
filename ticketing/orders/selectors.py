"""Order reads shared by the storefront, the back office and the API."""

from __future__ import annotations

import secrets

from django.db.models import QuerySet

from ticketing.orders.models import Order, Ticket


def order_for_buyer(code: str, secret: str) -> Order | None:
    """An order by its code and secret, as in the buyer's private link."""
    order = Order.objects.select_related("event", "event__venue").filter(code=code.upper()).first()
    if order is None or not secret or not secrets.compare_digest(order.secret, secret):
        return None
    return order


def orders_for_email(email: str) -> QuerySet[Order]:
    return Order.objects.filter(buyer_email=email.strip().lower()).select_related("event")


def tickets_of(order: Order) -> QuerySet[Ticket]:
    return order.tickets.select_related("ticket_type", "event").order_by("pk")


def all_orders() -> QuerySet[Order]:
    return Order.objects.select_related("event")
