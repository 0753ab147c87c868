"""What a selection costs. Prices come from the catalog, never from the buyer's form.

Pure computation over a checked selection: integer minor units only, every discount
shared out over lines so that lines, order and refunds always add up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ticketing.catalog.models import AddOn, TicketType
from ticketing.inventory.services import CheckedSelection


@dataclass
class PricedLine:
    stock_id: int
    description: str
    quantity: int
    unit_price_minor: int
    ticket_type: TicketType | None = None
    addon: AddOn | None = None
    discount_minor: int = 0

    @property
    def gross_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def total_minor(self) -> int:
        return self.gross_minor - self.discount_minor


@dataclass
class Quote:
    currency: str
    lines: list[PricedLine]
    discount_labels: list[str] = field(default_factory=list)
    promo_code_id: int | None = None

    @property
    def subtotal_minor(self) -> int:
        return sum(line.gross_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        return sum(line.discount_minor for line in self.lines)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor - self.discount_minor

    @property
    def ticket_count(self) -> int:
        return sum(line.quantity for line in self.lines if line.ticket_type is not None)


def base_quote(checked: CheckedSelection, *, currency: str) -> Quote:
    """Catalog prices for a checked selection, before any discount."""
    lines = [
        PricedLine(
            stock_id=offer.stock_id,
            description=offer.ticket_type.name,
            quantity=quantity,
            unit_price_minor=offer.ticket_type.price_minor,
            ticket_type=offer.ticket_type,
        )
        for offer, quantity in checked.tickets
    ] + [
        PricedLine(
            stock_id=offer.stock_id,
            description=offer.addon.name,
            quantity=quantity,
            unit_price_minor=offer.addon.price_minor,
            addon=offer.addon,
        )
        for offer, quantity in checked.addons
    ]
    return Quote(currency=currency, lines=lines)


def quote(checked: CheckedSelection, *, currency: str) -> Quote:
    """The price of a checked selection with every discount that applies."""
    return base_quote(checked, currency=currency)
