"""A small shop to act on in the back office, and signed-in clients per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from api.webhooks.models import Delivery
from api.webhooks.services import create_endpoint
from branding.models import CustomDomainRequest
from tests.branding.conftest import image_bytes
from tests.conftest import client_for
from ticketing.catalog.models import AddOn, Event, EventSeries, TicketType, Venue
from ticketing.catalog.services import create_series_on_dates, create_venue, set_event_image
from ticketing.discounts.models import Discount
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid
from ticketing.outbox.models import OutboxEvent

from ..factories import make_addon, make_discount, make_event, make_member, make_ticket_type, on_sale_event


@dataclass
class Shop:
    event: Event
    draft_event: Event
    ticket_type: TicketType
    addon: AddOn
    pending_order: Order
    paid_order: Order
    discount: Discount
    member: User
    domain_request: CustomDomainRequest
    venue: Venue
    series: EventSeries
    webhook_delivery: Delivery


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path) -> None:
    """Uploaded event images go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop(in_acme) -> Shop:
    event, ticket_type = on_sale_event(capacity=50, quantity=40, price_minor=2500, name="General")
    event = set_event_image(actor=None, event=event, image=SimpleUploadedFile("poster.png", image_bytes()))
    venue = create_venue(
        actor=None, name="Town Hall", city="Springfield", country="us", timezone="America/Chicago"
    )
    first = event.starts_at + timedelta(days=7)
    series = create_series_on_dates(
        actor=None, name="Jazz nights", slug="jazz-nights", starts=[first, first + timedelta(days=7)],
        duration=timedelta(hours=2), capacity=80, venue=venue,
    )  # fmt: skip
    draft_event = make_event(name="Draft night")
    make_ticket_type(draft_event, name="Seat")
    addon = make_addon(event, name="Parking", price_minor=800)
    buyer = Buyer(name="Ada Lovelace", email="ada@example.com")
    pending = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=buyer)
    paid = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=Buyer("Bob", "bob@example.com")
    )
    mark_order_paid(order=paid, actor=None)
    discount = make_discount(kind="percent", code="SPRING", percent_bp=1000, event=event, usage_limit=10)
    member = make_member("analyst", email="target@example.com")
    domain_request = CustomDomainRequest.objects.create(hostname="tickets.acme-events.example", token="t0k3n")
    endpoint = create_endpoint(actor=None, url="https://93.184.215.14/hooks", event_types=["*"]).endpoint
    webhook_delivery = Delivery.objects.create(
        event=OutboxEvent.objects.filter(object_id=paid.pk, type="order.paid").get(),
        endpoint=endpoint,
        attempts_allowed=1,
        next_attempt_at=paid.created_at,
    )
    return Shop(
        event,
        draft_event,
        ticket_type,
        addon,
        pending,
        Order.objects.get(pk=paid.pk),
        discount,
        member,
        domain_request,
        venue,
        series,
        webhook_delivery,
    )


@pytest.fixture
def signed_in(in_acme) -> Callable[[str], Client]:
    """``signed_in("scanner")``: a client on acme.localhost signed in as a new member in that role."""

    def sign_in(role: str) -> Client:
        user = User.objects.get(email="owner@acme.example") if role == "owner" else make_member(role)
        client = client_for("acme.localhost")
        client.force_login(user)
        return client

    return sign_in
