"""Billing test data: sold orders for the ledger, made through the real order services or as
plain values shaped like an order (the ledger reads only what ``SoldOrder`` names)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing.ledger import services as ledger
from billing.ledger.models import LedgerTransaction
from billing.models import FeeRule, Plan
from tenants.models import Tenant
from tests.ticketing.factories import on_sale_event
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid

_order_numbers = itertools.count(9_000_000)


@dataclass(frozen=True)
class EventValue:
    pk: int
    name: str
    ends_at: datetime


@dataclass(frozen=True)
class LineValue:
    quantity: int
    total_minor: int
    ticket_type_id: int | None = 1


@dataclass
class _Lines:
    items: list[LineValue]

    def all(self) -> list[LineValue]:
        return self.items


@dataclass(frozen=True)
class OrderValue:
    """A paid order as the ledger sees it; the pk is unique in the run, never a real order's."""

    currency: str
    line_values: tuple[LineValue, ...]
    event: EventValue
    pk: int = field(default_factory=lambda: next(_order_numbers))

    @property
    def code(self) -> str:
        return f"T{self.pk}"

    @property
    def total_minor(self) -> int:
        return sum(line.total_minor for line in self.line_values)

    @property
    def lines(self) -> _Lines:
        return _Lines(list(self.line_values))


@dataclass(frozen=True)
class RefundValue:
    pk: int
    amount_minor: int
    currency: str


_refund_numbers = itertools.count(8_000_000)


def refund_value(*, amount_minor: int, currency: str) -> RefundValue:
    return RefundValue(pk=next(_refund_numbers), amount_minor=amount_minor, currency=currency)


def order_value(
    *, currency: str = "USD", unit_minor: int = 2500, quantity: int = 2, event_ends_in_days: float = 10
) -> OrderValue:
    ends = timezone.now() + timedelta(days=event_ends_in_days)
    return OrderValue(
        currency=currency,
        line_values=(LineValue(quantity=quantity, total_minor=unit_minor * quantity),),
        event=EventValue(pk=4242, name="Property Night", ends_at=ends),
    )


def record_processor_sale(order: OrderValue, *, processor_fee_minor: int = 0) -> LedgerTransaction | None:
    with transaction.atomic():
        return ledger.record_sale(
            order=order, collected_by=ledger.CollectedBy.PROCESSOR, processor_fee_minor=processor_fee_minor
        )


def paid_order(*, price_minor: int = 2500, quantity: int = 2) -> Order:
    """A pay-later order bought and marked paid through the order services (current schema)."""
    event, ticket_type = on_sale_event(price_minor=price_minor)
    order = buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: quantity}),
        buyer=Buyer(name="Ada Buyer", email="ada@example.com"),
    )
    return mark_order_paid(order=order, actor=None)


def put_on_plan(tenant: Tenant, code: str = "growth", **contract: Any) -> Tenant:
    """Test set-up: the reseller on a plan (and contract fee rules), as the console would leave it."""
    plan = Plan.objects.get(code=code)
    Tenant.objects.filter(pk=tenant.pk).update(plan=plan)
    tenant.refresh_from_db()
    if contract:
        FeeRule.objects.create(tenant=tenant, **contract)
    return tenant
