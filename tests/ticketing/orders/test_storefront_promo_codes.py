"""Promo codes on the storefront pages: applied at selection or one-page checkout, clear refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ticketing.catalog.models import Event, TicketType
from ticketing.discounts.models import Discount
from ticketing.inventory.models import Hold, Stock
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

from ..factories import make_discount, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER_FIELDS = {"name": "Grace Hopper", "email": "grace@example.com", "payment_method": "pay_later"}


@pytest.fixture
def show() -> tuple[Event, TicketType, TicketType, Discount]:
    event, general = on_sale_event(
        capacity=40, quantity=20, price_minor=2500, name="Standing", max_per_order=12
    )
    friends = make_ticket_type(
        event, name="Friends", price_minor=1000, visibility=TicketType.Visibility.CODE_ONLY
    )
    code = make_discount(
        kind="percent", code="FRIENDS", name="Friends and family", percent_bp=2000, event=event,
        ticket_type_ids=[general.pk, friends.pk], usage_limit=2,
    )  # fmt: skip
    return event, general, friends, code


def nothing_changed(event: Event, code: Discount, *, uses: int = 0) -> None:
    assert not Hold.objects.filter(event=event).exists()
    assert not Order.objects.filter(event=event).exists()
    assert set(Stock.objects.filter(event=event).values_list("held", "sold")) == {(0, 0)}
    code.refresh_from_db()
    assert code.times_used == uses


def test_applying_a_code_on_the_event_page_unlocks_its_tickets(acme_client: Client, show) -> None:
    event, _, friends, _ = show
    page = acme_client.get(f"/events/{event.slug}/").content.decode()
    assert f'name="ticket_{friends.pk}"' not in page
    applied = acme_client.get(f"/events/{event.slug}/", {"promo_code": " friends "})
    body = applied.content.decode()
    assert applied.status_code == 200
    assert "Code FRIENDS applied: Friends and family." in body
    assert f'name="ticket_{friends.pk}"' in body and "unlocked by your code" in body
    assert '<input type="hidden" name="promo_code" value="FRIENDS">' in body
    assert "20 % off (Standing, Friends)" in body


def test_an_unknown_code_on_the_event_page_is_explained_and_unlocks_nothing(
    acme_client: Client, show
) -> None:
    event, _, friends, code = show
    response = acme_client.get(f"/events/{event.slug}/", {"promo_code": "FRENDS"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "We do not know the code “FRENDS”." in body and 'aria-invalid="true"' in body
    assert f'name="ticket_{friends.pk}"' not in body
    nothing_changed(event, code)


def test_selection_with_a_code_to_checkout_and_order(acme_client: Client, show) -> None:
    event, general, friends, code = show
    reserved = acme_client.post(
        f"/events/{event.slug}/reserve/",
        {f"ticket_{general.pk}": "2", f"ticket_{friends.pk}": "1", "promo_code": "FRIENDS"},
    )
    assert reserved.status_code == 302
    checkout = acme_client.get(reserved["Location"]).content.decode()
    # 2 × 25.00 + 10.00 = 60.00, 20 % off = 48.00
    assert "Promo code <strong>FRIENDS</strong>" in checkout and "$48.00" in checkout
    assert 'name="expected_total_minor" value="4800"' in checkout
    placed = acme_client.post(reserved["Location"], {**BUYER_FIELDS, "expected_total_minor": "4800"})
    assert placed.status_code == 302
    order = Order.objects.get(event=event)
    assert (order.total_minor, order.discount_minor, order.promo_code) == (4800, 1200, "FRIENDS")
    assert "(code FRIENDS)" in acme_client.get(placed["Location"]).content.decode()
    code.refresh_from_db()
    assert code.times_used == 1


@pytest.mark.parametrize(
    ("promo_code", "message"),
    [
        ("NOPE", "We do not know the code “NOPE”."),
        ("OLD", "The code “OLD” has expired."),
        ("USEDUP", "The code “USEDUP” has been used up."),
        ("VIPONLY", "The code “VIPONLY” applies only to: VIP."),
    ],
)
def test_a_bad_code_at_selection_is_refused_clearly_and_changes_nothing(
    acme_client: Client, show, promo_code, message
) -> None:
    event, general, _, code = show
    vip = make_ticket_type(event, name="VIP", price_minor=9000)
    make_discount(
        kind="percent", code="OLD", percent_bp=1000, valid_until=timezone.now() - timedelta(hours=1)
    )
    make_discount(kind="percent", code="USEDUP", percent_bp=1000, usage_limit=1)
    Discount.objects.filter(code="USEDUP").update(times_used=1)
    make_discount(kind="percent", code="VIPONLY", percent_bp=1000, event=event, ticket_type_ids=[vip.pk])
    response = acme_client.post(
        f"/events/{event.slug}/reserve/", {f"ticket_{general.pk}": "2", "promo_code": promo_code}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_changed(event, code)
    assert Stock.objects.get(ticket_type=vip).held == 0


def test_one_page_checkout_takes_a_code_and_refuses_a_bad_one(acme_client: Client, show) -> None:
    event, general, friends, code = show
    refused = acme_client.post(
        f"/events/{event.slug}/buy/", {f"ticket_{friends.pk}": "1", "promo_code": "WRONG", **BUYER_FIELDS}
    )
    assert refused.status_code == 400
    assert "We do not know the code “WRONG”." in refused.content.decode()
    nothing_changed(event, code)

    bought = acme_client.post(
        f"/events/{event.slug}/buy/",
        {f"ticket_{general.pk}": "1", f"ticket_{friends.pk}": "1", "promo_code": "friends", **BUYER_FIELDS},
    )
    assert bought.status_code == 302
    order = Order.objects.get(event=event)
    assert (order.total_minor, order.promo_code) == (2800, "FRIENDS")


def test_a_code_used_up_during_checkout_gets_a_clear_page(acme_client: Client, show) -> None:
    event, general, _, code = show
    location = acme_client.post(
        f"/events/{event.slug}/reserve/", {f"ticket_{general.pk}": "1", "promo_code": "FRIENDS"}
    )["Location"]
    for number in range(2):  # others use the code's last two uses meanwhile
        buy_tickets(
            event=event,
            selection=Selection(tickets={general.pk: 1}),
            buyer=Buyer(name="Other", email=f"other{number}@example.com"),
            promo_code="FRIENDS",
        )
    page = acme_client.get(location)
    assert page.status_code == 400
    assert "The code “FRIENDS” has been used up." in page.content.decode()
    placed = acme_client.post(location, {**BUYER_FIELDS, "expected_total_minor": "2000"})
    assert placed.status_code == 400
    assert Order.objects.filter(event=event).count() == 2
    code.refresh_from_db()
    assert code.times_used == 2


def test_automatic_discounts_are_shown_and_applied_without_a_code(acme_client: Client, show) -> None:
    event, general, _, _ = show
    make_discount(kind="group", name="Groups", event=event, percent_bp=1000, min_tickets=10)
    page = acme_client.get(f"/events/{event.slug}/").content.decode()
    assert "<strong>Groups</strong>: 10 % off from 10 tickets" in page
    bought = acme_client.post(f"/events/{event.slug}/buy/", {f"ticket_{general.pk}": "10", **BUYER_FIELDS})
    assert bought.status_code == 302
    assert Order.objects.get(event=event).total_minor == 22500
