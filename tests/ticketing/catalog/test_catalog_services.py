from datetime import timedelta

import pytest
from django.utils import timezone

from core.money import Money
from ticketing.audit.models import LogEntry
from ticketing.catalog.errors import CatalogError, CatalogErrorCode
from ticketing.catalog.models import Event, TicketType
from ticketing.catalog.services import (
    create_series,
    create_venue,
    publish_event,
    update_event,
    update_ticket_type,
)
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Stock
from ticketing.inventory.selectors import SaleState, event_offer
from ticketing.inventory.services import Selection, reserve_tickets

from ..factories import make_addon, make_event, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def test_event_with_venue_takes_the_venue_timezone_and_opens_its_capacity_stock() -> None:
    venue = create_venue(
        actor=None, name="Blue Hall", city="Chicago", country="us", timezone="America/Chicago"
    )
    event = make_event(capacity=300, venue=venue)
    assert event.timezone == "America/Chicago"
    assert venue.country == "US"
    stock = Stock.objects.get(event=event, ticket_type=None, addon=None)
    assert (stock.capacity, stock.held, stock.sold) == (300, 0, 0)
    assert LogEntry.objects.filter(action="event.created", object_id=event.pk).exists()


def test_ticket_types_are_priced_in_the_shop_currency_in_minor_units() -> None:
    event = make_event()
    ticket_type = make_ticket_type(event, price_minor=4999, kind=TicketType.Kind.VIP)
    assert ticket_type.currency == "USD"
    offer = event_offer(event)
    assert offer.ticket_types[ticket_type.pk].price == Money(4999, "USD")


def test_a_foreign_currency_is_refused() -> None:
    event = make_event()
    with pytest.raises(CatalogError) as refused:
        make_ticket_type(event, currency="EUR")
    assert refused.value.code == CatalogErrorCode.WRONG_CURRENCY
    assert not TicketType.objects.filter(event=event).exists()


def test_bad_input_is_refused_with_the_field_at_fault() -> None:
    event = make_event()
    with pytest.raises(CatalogError) as refused:
        make_ticket_type(event, min_per_order=5, max_per_order=2)
    assert refused.value.message == "The maximum per order cannot be below the minimum."
    with pytest.raises(CatalogError) as bad_zone:
        make_event(timezone="Mars/Olympus")
    assert bad_zone.value.field == "timezone"
    with pytest.raises(CatalogError):
        make_event(attendance_mode=Event.AttendanceMode.ONLINE)  # online needs a link


def test_online_events_carry_their_link() -> None:
    event = make_event(attendance_mode=Event.AttendanceMode.HYBRID, online_url="https://stream.example/live")
    assert event.online_url == "https://stream.example/live"


def test_publishing_needs_a_ticket_type() -> None:
    event = make_event()
    with pytest.raises(CatalogError):
        publish_event(actor=None, event=event)
    make_ticket_type(event)
    assert publish_event(actor=None, event=event).status == Event.Status.PUBLISHED


def test_capacity_cannot_shrink_below_what_is_held() -> None:
    event, ticket_type = on_sale_event(capacity=10, quantity=10)
    reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 6}))
    with pytest.raises(InventoryError) as refused:
        update_event(actor=None, event=event, capacity=5)
    assert refused.value.code == InventoryErrorCode.CAPACITY_BELOW_SOLD
    with pytest.raises(InventoryError):
        update_ticket_type(actor=None, ticket_type=ticket_type, quantity=4)
    update_event(actor=None, event=event, capacity=8)
    assert Stock.objects.get(event=event, ticket_type=None, addon=None).capacity == 8
    event.refresh_from_db()
    assert event.capacity == 8


def test_sale_window_decides_the_sale_state() -> None:
    now = timezone.now()
    event, early = on_sale_event(
        sale_ends_at=now - timedelta(minutes=1), sale_starts_at=now - timedelta(days=2)
    )
    later = make_ticket_type(event, sale_starts_at=now + timedelta(days=1))
    offer = event_offer(event)
    assert offer.ticket_types[early.pk].state == SaleState.ENDED
    assert offer.ticket_types[later.pk].state == SaleState.NOT_YET


def test_visibility_hides_hidden_and_code_only_types_from_the_storefront() -> None:
    event, public = on_sale_event()
    hidden = make_ticket_type(event, visibility=TicketType.Visibility.HIDDEN)
    code_only = make_ticket_type(event, visibility=TicketType.Visibility.CODE_ONLY)
    assert set(event_offer(event).ticket_types) == {public.pk}
    assert set(event_offer(event, unlocked_ticket_type_ids=[code_only.pk]).ticket_types) == {
        public.pk,
        code_only.pk,
    }
    assert hidden.pk in event_offer(event, visibilities=("public", "hidden")).ticket_types


def test_series_repeats_an_event_with_its_ticket_types_and_addons() -> None:
    template, _ticket_type = on_sale_event(capacity=50, quantity=40, price_minor=1500)
    make_addon(template, name="Parking", quantity=10)
    series = create_series(
        actor=None,
        name="Weekly jazz",
        slug="weekly-jazz",
        template=template,
        every=timedelta(days=7),
        count=4,
    )
    dates = list(series.events.order_by("starts_at"))
    assert len(dates) == 4
    assert [event.starts_at - template.starts_at for event in dates] == [
        timedelta(days=7 * n) for n in range(4)
    ]
    for event in dates:
        assert event.status == Event.Status.DRAFT
        assert event.ticket_types.get().price_minor == 1500
        assert event.addons.get().name == "Parking"
        assert Stock.objects.filter(event=event).count() == 3  # event, ticket type, add-on
