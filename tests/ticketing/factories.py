"""Catalog factories for ticketing tests: events built through the services, as staff would."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.catalog.services import create_addon, create_event, create_ticket_type, publish_event
from ticketing.discounts.models import Discount
from ticketing.discounts.services import create_discount
from ticketing.team.models import Membership

_numbers = itertools.count(1)


def make_event(*, capacity: int = 100, **fields: Any) -> Event:
    number = next(_numbers)
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=20))
    event = create_event(
        actor=None,
        capacity=capacity,
        name=fields.pop("name", f"Concert {number}"),
        slug=fields.pop("slug", f"concert-{number}-{timezone.now():%H%M%S%f}"),
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", starts_at + timedelta(hours=3)),
        **fields,
    )
    return event


def make_ticket_type(
    event: Event, *, quantity: int = 100, price_minor: int = 2500, **fields: Any
) -> TicketType:
    return create_ticket_type(
        actor=None,
        event=event,
        quantity=quantity,
        name=fields.pop("name", f"Ticket {next(_numbers)}"),
        price_minor=price_minor,
        **fields,
    )


def make_addon(event: Event, *, quantity: int = 50, price_minor: int = 1000, **fields: Any) -> AddOn:
    return create_addon(
        actor=None,
        event=event,
        quantity=quantity,
        name=fields.pop("name", f"Extra {next(_numbers)}"),
        price_minor=price_minor,
        **fields,
    )


def on_sale_event(
    *,
    capacity: int = 100,
    quantity: int = 100,
    price_minor: int = 2500,
    starts_at: datetime | None = None,
    **ticket_fields: Any,
) -> tuple[Event, TicketType]:
    event = make_event(capacity=capacity, **({"starts_at": starts_at} if starts_at else {}))
    ticket_type = make_ticket_type(event, quantity=quantity, price_minor=price_minor, **ticket_fields)
    event = publish_event(actor=None, event=event)
    return event, ticket_type


def make_member(role: str, *, email: str = "", password: str = "") -> User:
    """A signed-up team member (password set) in ``role``, as if invited and accepted."""
    user = User.objects.create_user(
        email or f"{role}-{next(_numbers)}@team.example", password or None, is_staff=True
    )
    Membership.objects.create(user=user, role=role)
    return user


def make_discount(*, kind: str, **fields: Any) -> Discount:
    """A discount set up through the service, as staff would (the system acting: no actor)."""
    return create_discount(actor=None, kind=kind, **fields)
