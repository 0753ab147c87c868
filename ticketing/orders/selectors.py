"""Order reads shared by the storefront, the back office and the API."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum

from ticketing.catalog.models import Event
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order, Refund, Ticket


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


def api_orders() -> QuerySet[Order]:
    """Orders with their lines and tickets (three queries per page, whatever its size)."""
    return Order.objects.prefetch_related("lines", "tickets")


def order_ticket_ids(order: Order, public_ids: Iterable[str]) -> dict[str, int]:
    """The primary keys of this order's tickets with these public ids (others are left out)."""
    return dict(order.tickets.filter(public_id__in=list(public_ids)).values_list("public_id", "pk"))


@dataclass(frozen=True)
class EventSales:
    """One event's line in the sales summary (amounts in the shop's currency, minor units)."""

    event: Event
    capacity: int
    sold: int
    held: int
    orders: int
    paid_minor: int  # received and kept: paid orders less their refunds
    pending_minor: int  # pay-later orders not paid yet
    refunded_minor: int

    @property
    def available(self) -> int:
        return max(self.capacity - self.sold - self.held, 0)


_KEPT = (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED)


def sales_by_event(events: Iterable[Event]) -> list[EventSales]:
    """Sales figures for these events, in two queries whatever their number."""
    events = list(events)
    counters = {
        stock.event_id: stock
        for stock in Stock.objects.filter(event__in=events, ticket_type__isnull=True, addon__isnull=True)
    }
    money: dict[int, dict[str, Any]] = {
        row["event_id"]: dict(row)
        for row in Order.objects.filter(event__in=events)
        .values("event_id")
        .annotate(
            open_orders=Count("pk", filter=Q(status__in=[*_KEPT, Order.Status.PENDING_PAYMENT])),
            paid_total=Sum(F("total_minor") - F("refunded_minor"), filter=Q(status__in=_KEPT)),
            pending_total=Sum("total_minor", filter=Q(status=Order.Status.PENDING_PAYMENT)),
            refunded_total=Sum("refunded_minor"),
        )
    }
    summary = []
    for event in events:
        stock = counters.get(event.pk)
        row: dict[str, Any] = money.get(event.pk, {})
        summary.append(
            EventSales(
                event=event,
                capacity=stock.capacity if stock else 0,
                sold=stock.sold if stock else 0,
                held=stock.held if stock else 0,
                orders=row.get("open_orders") or 0,
                paid_minor=row.get("paid_total") or 0,
                pending_minor=row.get("pending_total") or 0,
                refunded_minor=row.get("refunded_total") or 0,
            )
        )
    return summary


def search_orders(query: str = "", *, event: Event | None = None) -> QuerySet[Order]:
    """Orders by code (exact), buyer e-mail or name (contained), newest first."""
    orders = all_orders()
    if event is not None:
        orders = orders.filter(event=event)
    query = " ".join(query.split())
    if query:
        orders = orders.filter(
            Q(code=query.upper()) | Q(buyer_email__icontains=query) | Q(buyer_name__icontains=query)
        )
    return orders.order_by("-created_at", "-pk")


def order_by_code(code: str) -> Order | None:
    return Order.objects.select_related("event", "event__venue").filter(code=code.upper()).first()


def refunds_of(order: Order) -> QuerySet[Refund]:
    return order.refunds.select_related("actor").order_by("created_at", "pk")


def customers(*, email: str = "") -> QuerySet[Order, dict[str, Any]]:
    """Buyers aggregated by e-mail address (and currency): their orders, tickets and spending."""
    orders = Order.objects.all()
    if email:
        orders = orders.filter(buyer_email=email.strip().lower())
    valid_tickets = (
        Ticket.objects.filter(
            order__buyer_email=OuterRef("buyer_email"),
            order__currency=OuterRef("currency"),
            status=Ticket.Status.VALID,
        )
        .values("order__buyer_email")
        .annotate(count=Count("pk"))
    )
    latest_name = Order.objects.filter(buyer_email=OuterRef("buyer_email")).order_by("-created_at", "-pk")
    rows = (
        orders.values("buyer_email", "currency")
        .annotate(
            email=F("buyer_email"),
            name=Subquery(latest_name.values("buyer_name")[:1]),
            orders=Count("pk"),
            ticket_count=Subquery(valid_tickets.values("count")[:1]),
            total_spent=Sum(F("total_minor") - F("refunded_minor"), filter=Q(status__in=_KEPT)),
            first_order_at=Min("created_at"),
            last_order_at=Max("created_at"),
        )
        .values(
            "email",
            "currency",
            "name",
            "orders",
            "ticket_count",
            "total_spent",
            "first_order_at",
            "last_order_at",
        )
    )
    return cast("QuerySet[Order, dict[str, Any]]", rows)
