"""Back office: staff mark offline orders paid (the offline provider), refund card orders through Stripe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from billing.ledger.models import LedgerTransaction
from tests.ticketing.factories import make_member, on_sale_event
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order, Refund
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.payments.models import Payment
from ticketing.payments.services import pay_by_card

from .conftest import VISA, place_card_order

pytestmark = pytest.mark.usefixtures("in_acme")


@pytest.fixture
def staff() -> Client:
    from tests.conftest import client_for

    client = client_for("acme.localhost")
    client.force_login(make_member("manager"))
    return client


def test_staff_mark_a_bank_transfer_paid_through_the_offline_provider(staff: Client) -> None:
    event, ticket_type = on_sale_event(price_minor=2000)
    order = buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: 1}),
        buyer=Buyer(name="Ada", email="ada@example.com"),
        payment_method=Order.PaymentMethod.BANK_TRANSFER,
    )
    response = staff.post(f"/backoffice/orders/{order.code}/mark-paid/")
    assert response.status_code == 302
    order.refresh_from_db()
    [payment] = Payment.objects.filter(order=order)
    assert (order.status, payment.provider, payment.method, payment.status) == (
        "paid",
        "offline",
        "bank_transfer",
        "succeeded",
    )
    sale = LedgerTransaction.objects.get(tenant__schema_name="acme", source_id=order.pk, kind="sale")
    assert sale.details["collected_by"] == "reseller"
    # Marking it again changes nothing.
    staff.post(f"/backoffice/orders/{order.code}/mark-paid/")
    assert Payment.objects.filter(order=order).count() == 1


def test_staff_refund_a_card_order_and_the_page_shows_the_card_refund(
    staff: Client, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    order = place_card_order()
    pay_by_card(order=order, payment_method_id=card(VISA))
    page = staff.get(f"/backoffice/orders/{order.code}/").content.decode()
    assert (
        "back to the buyer&#x27;s card through Stripe" in page
        or "back to the buyer's card through Stripe" in page
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/backoffice/orders/{order.code}/refund/", {"scope": "whole", "reason": "Ill"})
    assert response.status_code == 302
    refund = Refund.objects.get(order=order)
    assert (refund.provider, refund.provider_status) == ("stripe", "succeeded")
    page = staff.get(f"/backoffice/orders/{order.code}/").content.decode()
    assert refund.provider_reference in page and "Refunded by the provider" in page


def test_staff_choose_the_methods_offered_and_bad_choices_change_nothing(staff: Client) -> None:
    from ticketing.payments.models import PaymentOptions
    from ticketing.payments.selectors import payment_options

    assert staff.get("/backoffice/payments/").status_code == 200
    nothing = staff.post("/backoffice/payments/", {})
    assert nothing.status_code == 400
    assert "Offer at least one payment method" in nothing.content.decode()
    no_details = staff.post("/backoffice/payments/", {"bank_transfer_enabled": "on"})
    assert no_details.status_code == 400 and "need your bank details" in no_details.content.decode()
    assert not PaymentOptions.objects.exists()

    saved = staff.post(
        "/backoffice/payments/",
        {"bank_transfer_enabled": "on", "bank_transfer_instructions": "IBAN DE00 1234"},
    )
    assert saved.status_code == 302
    options = payment_options()
    assert (options.card_enabled, options.bank_transfer_enabled, options.box_office_enabled) == (
        False,
        True,
        False,
    )
