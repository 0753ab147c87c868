"""Catalog factories for ticketing tests: events built through the services, as staff would."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.catalog.services import (
    create_addon,
    create_event,
    create_ticket_type,
    publish_event,
    set_addon_price,
    set_ticket_type_price,
)
from ticketing.discounts.models import Discount
from ticketing.discounts.services import create_discount
from ticketing.taxes.models import Region
from ticketing.taxes.services import save_region, set_tax_rule
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


def make_regions() -> dict[str, Region]:
    """Four regions as a reseller selling worldwide would set them up, with their tax rules:
    the US (USD, sales tax added, the default), the EU (EUR, German VAT included, reverse
    charge for businesses), Japan (JPY, consumption tax included) and Kuwait (KWD, tax added)."""
    regions = {
        "US": save_region(actor=None, code="US", name="United States", currency="USD",
                          tax_jurisdiction="US-NY", languages="en", is_default=True),
        "EU": save_region(actor=None, code="EU", name="Europe", currency="EUR", tax_jurisdiction="DE",
                          languages="de,fr,es", position=1),
        "JP": save_region(actor=None, code="JP", name="Japan", currency="JPY", tax_jurisdiction="JP",
                          languages="ja", hostnames="acme.jp.localhost", position=2),
        "KW": save_region(actor=None, code="KW", name="Kuwait", currency="KWD", tax_jurisdiction="KW",
                          position=3),
    }  # fmt: skip
    set_tax_rule(actor=None, jurisdiction="US-NY", category="standard", rate_bp=800,
                 prices_include_tax=False, name="Sales tax")  # fmt: skip
    set_tax_rule(actor=None, jurisdiction="US-NY", category="reduced", rate_bp=400,
                 prices_include_tax=False, name="Sales tax")  # fmt: skip
    set_tax_rule(actor=None, jurisdiction="DE", category="standard", rate_bp=1_900, reverse_charge=True)
    set_tax_rule(actor=None, jurisdiction="DE", category="reduced", rate_bp=700, reverse_charge=True)
    set_tax_rule(actor=None, jurisdiction="JP", category="standard", rate_bp=1_000, name="Consumption tax")
    set_tax_rule(actor=None, jurisdiction="JP", category="reduced", rate_bp=800, name="Consumption tax")
    set_tax_rule(actor=None, jurisdiction="KW", category="standard", rate_bp=500,
                 prices_include_tax=False, name="Tax")  # fmt: skip
    return regions


def price_in(item: TicketType | AddOn, prices: dict[str, int]) -> None:
    """Explicit prices in other currencies, as staff would set them."""
    for currency, amount_minor in prices.items():
        if isinstance(item, TicketType):
            set_ticket_type_price(actor=None, ticket_type=item, currency=currency, amount_minor=amount_minor)
        else:
            set_addon_price(actor=None, addon=item, currency=currency, amount_minor=amount_minor)
