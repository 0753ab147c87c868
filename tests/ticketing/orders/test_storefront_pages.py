"""The buyer's path through the storefront pages, and a clear message for each bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ticketing.catalog.models import Event, TicketType
from ticketing.inventory.models import Hold, Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ..factories import make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def sold_and_held(ticket_type: TicketType) -> tuple[int, int]:
    stock = Stock.objects.get(ticket_type=ticket_type)
    return stock.sold, stock.held


@pytest.fixture
def show() -> tuple[Event, TicketType]:
    return on_sale_event(capacity=20, quantity=5, price_minor=2500, name="Standing", max_per_order=4)


def test_full_path_selection_hold_checkout_pay_later_confirmation(acme_client: Client, show) -> None:
    event, ticket_type = show
    page = acme_client.get(f"/events/{event.slug}/")
    assert page.status_code == 200
    assert f'name="ticket_{ticket_type.pk}"' in page.content.decode()
    assert "$25.00" in page.content.decode()

    reserved = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "2"})
    assert reserved.status_code == 302
    hold = Hold.objects.get(event=event)
    assert reserved["Location"] == f"/checkout/{hold.token}/"
    assert sold_and_held(ticket_type) == (0, 2)

    checkout = acme_client.get(reserved["Location"])
    assert checkout.status_code == 200
    assert "$50.00" in checkout.content.decode()
    assert 'name="expected_total_minor" value="5000"' in checkout.content.decode()

    placed = acme_client.post(
        reserved["Location"],
        {
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "payment_method": "pay_later",
            "expected_total_minor": "5000",
        },
    )
    assert placed.status_code == 302
    order = Order.objects.get(event=event)
    assert placed["Location"] == f"/orders/{order.code}/{order.secret}/"
    assert sold_and_held(ticket_type) == (2, 0)
    confirmation = acme_client.get(placed["Location"])
    assert order.code in confirmation.content.decode()
    assert "Pending payment" in confirmation.content.decode()
    # Going back to the checkout link shows the same order instead of a second one.
    assert acme_client.post(reserved["Location"], {"name": "x"})["Location"] == placed["Location"]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Choose at least one ticket."),
        ("5", "At most 4 “Standing” tickets per order."),
        ("-2", "Ensure this value is greater than or equal to 0."),
        ("two", "Enter a whole number."),
    ],
)
def test_bad_quantities_get_a_clear_message_and_change_nothing(
    acme_client: Client, show, quantity, message
) -> None:
    event, ticket_type = show
    response = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": quantity})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Hold.objects.filter(event=event).exists()


def test_sold_out_ticket_type_gets_a_clear_message(acme_client: Client, show) -> None:
    event, ticket_type = show
    buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 4}), buyer=Buyer("A", "a@example.com")
    )
    response = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "2"})
    assert response.status_code == 400
    assert "Only 1 left for “Standing”: please choose fewer." in response.content.decode()
    assert sold_and_held(ticket_type) == (4, 0)


def test_off_sale_ticket_type_gets_a_clear_message(acme_client: Client, show) -> None:
    event, _ = show
    ended = make_ticket_type(
        event,
        name="Early bird",
        sale_starts_at=timezone.now() - timedelta(days=9),
        sale_ends_at=timezone.now() - timedelta(days=1),
    )
    page = acme_client.get(f"/events/{event.slug}/").content.decode()
    assert "No longer on sale" in page
    response = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ended.pk}": "1"})
    assert response.status_code == 400
    assert "“Early bird” is no longer on sale." in response.content.decode()


def test_expired_hold_gets_a_clear_message_at_checkout(acme_client: Client, show) -> None:
    event, ticket_type = show
    location = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "1"})[
        "Location"
    ]
    Hold.objects.filter(event=event).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = acme_client.post(
        location,
        {
            "name": "Late Larry",
            "email": "larry@example.com",
            "payment_method": "pay_later",
            "expected_total_minor": "2500",
        },
    )
    assert response.status_code == 400
    assert "Your reservation has expired" in response.content.decode()
    assert not Order.objects.filter(event=event).exists()


def test_a_price_tampered_with_in_the_form_is_refused(acme_client: Client, show) -> None:
    event, ticket_type = show
    location = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "2"})[
        "Location"
    ]
    response = acme_client.post(
        location,
        {
            "name": "Mallory",
            "email": "m@example.com",
            "payment_method": "pay_later",
            "expected_total_minor": "1",
        },
    )
    assert response.status_code == 400
    assert "The price shown to you no longer matches" in response.content.decode()
    assert 'value="5000"' in response.content.decode()  # the real total, to confirm again
    assert not Order.objects.filter(event=event).exists()
    assert sold_and_held(ticket_type) == (0, 2)


def test_bad_buyer_details_are_shown_on_their_fields(acme_client: Client, show) -> None:
    event, ticket_type = show
    location = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "1"})[
        "Location"
    ]
    response = acme_client.post(
        location, {"name": "", "email": "nope", "payment_method": "pay_later", "expected_total_minor": "2500"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body and "Enter a valid email address." in body


def test_one_page_checkout_sells_in_one_request(acme_client: Client, show) -> None:
    event, ticket_type = show
    response = acme_client.post(
        f"/events/{event.slug}/buy/",
        {
            f"ticket_{ticket_type.pk}": "2",
            "name": "Ada",
            "email": "ada@example.com",
            "payment_method": "pay_later",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get(event=event)
    assert order.tickets.count() == 2
    refused = acme_client.post(
        f"/events/{event.slug}/buy/",
        {
            f"ticket_{ticket_type.pk}": "4",
            "name": "Bob",
            "email": "bob@example.com",
            "payment_method": "pay_later",
        },
    )
    assert refused.status_code == 400
    assert "Only 3 left for “Standing”: please choose fewer." in refused.content.decode()
    assert Order.objects.filter(event=event).count() == 1


def test_my_tickets_by_magic_link(acme_client: Client, show, django_capture_on_commit_callbacks) -> None:
    event, ticket_type = show
    order = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=Buyer("Ada", "ada@example.com")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = acme_client.post("/my-tickets/", {"email": "ADA@example.com"})
    assert sent.status_code == 200
    link = re.search(r"http://acme\.localhost(/my-tickets/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    page = acme_client.get(link.group(1))
    assert order.code in page.content.decode()
    forged = acme_client.get(link.group(1).replace("ada", "eve"))
    assert forged.status_code == 400
    assert "invalid or has expired" in forged.content.decode()
