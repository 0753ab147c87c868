"""Ticket fixtures: a bought order at a venue in another time zone, and a count of real renderings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import segno
import weasyprint
from django.utils import translation

from ticketing.catalog.models import Event, TicketType
from ticketing.catalog.services import create_venue, publish_event
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.tickets.selectors import current_shop

from ..factories import make_event, make_ticket_type

# 18:00 UTC is 20:00 summer time in Berlin: the documents must show the event's local time.
STARTS_AT = datetime(2031, 7, 12, 18, 0, tzinfo=UTC)
ENDS_AT = datetime(2031, 7, 12, 21, 0, tzinfo=UTC)


@dataclass
class Renders:
    pdfs: int = 0
    qr_codes: int = 0


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Renders:
    """Counts real renderings: WeasyPrint's and segno's entry points, wrapped and called through."""
    counts = Renders()
    write_pdf, make_qr = weasyprint.HTML.write_pdf, segno.make

    def counting_write_pdf(self: weasyprint.HTML, *args: Any, **kwargs: Any) -> Any:
        counts.pdfs += 1
        return write_pdf(self, *args, **kwargs)

    def counting_make_qr(*args: Any, **kwargs: Any) -> segno.QRCode:
        counts.qr_codes += 1
        return make_qr(*args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting_write_pdf)
    monkeypatch.setattr(segno, "make", counting_make_qr)
    return counts


@dataclass
class Show:
    event: Event
    standing: TicketType
    seated: TicketType


@pytest.fixture
def show() -> Show:
    return make_show()


def make_show() -> Show:
    """A published event at a Berlin venue with two ticket types (in the current shop's schema)."""
    venue = create_venue(
        actor=None,
        name="Seebühne",
        address="Uferweg 1",
        city="Berlin",
        country="DE",
        timezone="Europe/Berlin",
    )
    event = make_event(
        capacity=50, name="Jazz at the Lake", venue=venue, starts_at=STARTS_AT, ends_at=ENDS_AT
    )
    standing = make_ticket_type(event, name="Standing", price_minor=2500, quantity=20, max_per_order=6)
    seated = make_ticket_type(event, name="Seated", price_minor=4000, quantity=10)
    return Show(event=publish_event(actor=None, event=event), standing=standing, seated=seated)


def buy(show: Show, *, standing: int = 2, seated: int = 1, name: str = "Ada Lovelace") -> Order:
    """Buy as a storefront visitor with no language of their own would: in the shop's default language."""
    selection = {show.standing.pk: standing, show.seated.pk: seated}
    with translation.override(current_shop().default_language):
        return buy_tickets(
            event=show.event,
            selection=Selection(tickets={pk: n for pk, n in selection.items() if n}),
            buyer=Buyer(name=name, email="ada@example.com"),
        )
