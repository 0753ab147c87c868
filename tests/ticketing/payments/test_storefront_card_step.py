"""The buyer's pages: the checkout offers card and offline methods, the card step, return page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tests.ticketing.factories import on_sale_event
from ticketing.inventory.models import Hold
from ticketing.orders.models import Order
from ticketing.payments.models import Payment, PaymentOptions
from ticketing.payments.selectors import forget_payment_options

from .conftest import THREE_D_SECURE, VISA, authenticate_3ds

pytestmark = pytest.mark.usefixtures("in_acme")


def _checkout(client: Client) -> str:
    event, ticket_type = on_sale_event(price_minor=2500)
    reserved = client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "2"})
    assert reserved.status_code == 302
    return str(reserved["Location"])


def _place(client: Client, location: str, method: str) -> Order:
    placed = client.post(
        location,
        {
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "payment_method": method,
            "expected_total_minor": "5000",
        },
    )
    assert placed.status_code == 302, placed.content.decode()[:500]
    hold = Hold.objects.get(token=location.rstrip("/").split("/")[-1])
    order = Order.objects.get(hold=hold)
    assert placed["Location"] == (
        f"/orders/{order.code}/{order.secret}/pay/"
        if method == "card"
        else f"/orders/{order.code}/{order.secret}/"
    )
    return order


def test_the_checkout_offers_card_and_the_offline_methods_the_shop_enabled(
    acme_client: Client, localstripe: str
) -> None:
    page = acme_client.get(_checkout(acme_client)).content.decode()
    assert 'value="card"' in page and 'value="bank_transfer"' in page and 'value="box_office"' in page
    checked = re.search(r'<input[^>]*value="(\w+)"[^>]*checked', page)
    assert (
        checked is not None and checked.group(1) == "bank_transfer"
    )  # nobody lands on a card step by default

    PaymentOptions.objects.create(pk=1, box_office_enabled=False, card_enabled=True)
    forget_payment_options()  # written here behind the service's back: drop the cached options
    page = acme_client.get(_checkout(acme_client)).content.decode()
    assert 'value="box_office"' not in page and 'value="card"' in page


def test_a_method_the_shop_does_not_offer_is_refused_and_nothing_is_ordered(
    acme_client: Client, localstripe: str
) -> None:
    PaymentOptions.objects.create(pk=1, card_enabled=False)
    location = _checkout(acme_client)
    refused = acme_client.post(
        location,
        {
            "name": "Grace",
            "email": "grace@example.com",
            "payment_method": "card",
            "expected_total_minor": "5000",
        },
    )
    assert refused.status_code == 400
    assert not Order.objects.filter(buyer_email="grace@example.com").exists()


def test_the_card_step_pays_by_card_with_3d_secure_and_the_return_page_shows_it_paid(
    acme_client: Client, localstripe: str, card: Callable[[str], str]
) -> None:
    order = _place(acme_client, _checkout(acme_client), "card")
    assert order.payment_method == "card" and order.status == Order.Status.PENDING_PAYMENT

    page = acme_client.get(f"/orders/{order.code}/{order.secret}/pay/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'src="{localstripe}/js.stripe.com/v3/"' in html
    assert 'data-setup-secret="seti_' in html  # Stripe.js confirmCardSetup makes the PaymentMethod
    assert "4242" not in html

    answer = acme_client.post(
        f"/orders/{order.code}/{order.secret}/pay/", {"payment_method": card(THREE_D_SECURE)}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "requires_action" and body["client_secret"].startswith("pi_")
    payment = Payment.objects.get(order=order)
    authenticate_3ds(localstripe, intent_id=payment.provider_reference, client_secret=body["client_secret"])

    back = acme_client.get(body["return_url"])
    assert back["Location"] == f"/orders/{order.code}/{order.secret}/"
    confirmation = acme_client.get(back["Location"]).content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert "Download your tickets" in confirmation
    assert 'id="payment-state"' in confirmation and "Paid" in confirmation


def test_bad_input_on_the_card_step_gets_a_400_problem_and_charges_nothing(
    acme_client: Client, localstripe: str
) -> None:
    order = _place(acme_client, _checkout(acme_client), "card")
    answer = acme_client.post(
        f"/orders/{order.code}/{order.secret}/pay/", {"payment_method": "4242424242424242"}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_payment_method"
    assert not Payment.objects.filter(order=order).exists()


def test_a_declined_card_is_answered_as_failed_with_the_reason(
    acme_client: Client, localstripe: str, card: Callable[[str], str]
) -> None:
    order = _place(acme_client, _checkout(acme_client), "card")
    answer = acme_client.post(
        f"/orders/{order.code}/{order.secret}/pay/", {"payment_method": card("4000000000000341")}
    )
    assert answer.json()["status"] == "failed"
    page = acme_client.get(f"/orders/{order.code}/{order.secret}/pay/").content.decode()
    assert "Your last attempt was not accepted" in page


def test_a_bank_transfer_order_shows_the_shops_bank_details(acme_client: Client, localstripe: str) -> None:
    PaymentOptions.objects.create(pk=1, bank_transfer_instructions="IBAN DE00 1234 5678")
    order = _place(acme_client, _checkout(acme_client), "bank_transfer")
    page = acme_client.get(f"/orders/{order.code}/{order.secret}/").content.decode()
    assert "IBAN DE00 1234 5678" in page and "Bank transfer" in page


def test_the_card_page_of_another_method_or_a_wrong_secret_is_not_found(
    acme_client: Client, localstripe: str
) -> None:
    order = _place(acme_client, _checkout(acme_client), "bank_transfer")
    assert acme_client.get(f"/orders/{order.code}/{order.secret}/pay/").status_code == 404
    assert acme_client.get(f"/orders/{order.code}/wrong/pay/").status_code == 404


def test_a_paid_card_order_sends_the_tickets(
    acme_client: Client,
    localstripe: str,
    card: Callable[[str], str],
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(acme_client, _checkout(acme_client), "card")
    assert mailoutbox == []  # nothing before the payment
    with django_capture_on_commit_callbacks(execute=True):
        acme_client.post(f"/orders/{order.code}/{order.secret}/pay/", {"payment_method": card(VISA)})
    assert [message.to for message in mailoutbox] == [["grace@example.com"]]
