"""Selling at the box office: staff pick tickets, take cash or a card, and print the tickets."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from billing.ledger.selectors import sale_transaction
from tenants.models import Tenant
from tests.ticketing.tickets.pdf_reading import page_texts
from ticketing.audit.models import LogEntry
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order, Ticket

from ..factories import make_ticket_type
from .conftest import Shop


def body(response) -> str:
    return response.content.decode()


def sold(ticket_type_id: int) -> int:
    return Stock.objects.get(ticket_type_id=ticket_type_id).sold


def test_a_desk_sale_is_paid_at_once_and_its_tickets_print(signed_in, shop: Shop, acme: Tenant) -> None:
    door = make_ticket_type(shop.event, name="Door only", price_minor=3000, quantity=5, visibility="hidden")
    client = signed_in("box_office")
    page = client.get(reverse("backoffice:box_office_sale", args=[shop.event.pk]))
    assert page.status_code == 200
    assert "Door only" in body(page) and "General" in body(page)  # hidden box-office types too
    before = sold(shop.ticket_type.pk)

    response = client.post(
        reverse("backoffice:box_office_sale", args=[shop.event.pk]),
        {f"ticket_{shop.ticket_type.pk}": "1", f"ticket_{door.pk}": "2", "payment_method": "card_terminal"},
    )

    order = Order.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/backoffice/orders/{order.code}/"
    assert (order.status, order.payment_method, order.total_minor) == (
        "paid",
        "card_terminal",
        2500 + 2 * 3000,
    )
    assert order.paid_at is not None and order.payment_due_at is None and order.buyer_email == ""
    assert (sold(shop.ticket_type.pk), sold(door.pk)) == (before + 1, 2)
    assert order.tickets.filter(status=Ticket.Status.VALID).count() == 3
    paid = LogEntry.objects.get(object_type="order", object_id=order.pk, action="order.paid")
    assert paid.data["method"] == "card_terminal" and paid.actor is not None
    sale = sale_transaction(tenant=acme, order_id=order.pk)
    assert sale is not None and sale.channel == "box_office"
    assert mail.outbox == []  # nobody to send the tickets to

    detail = body(client.get(response["Location"]))
    assert "is paid" in detail and "Card terminal at the box office" in detail
    pdf = client.get(reverse("backoffice:order_tickets", args=[order.code]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    pages = page_texts(pdf.content)
    assert len(pages) == 3 and all(order.code in text for text in pages)
    assert any("Door only" in text for text in pages)


def test_a_buyer_who_leaves_an_address_gets_the_tickets_by_e_mail(
    signed_in, shop: Shop, django_capture_on_commit_callbacks
) -> None:
    client = signed_in("box_office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:box_office_sale", args=[shop.event.pk]),
            {
                f"ticket_{shop.ticket_type.pk}": "2", "payment_method": "cash",
                "buyer_name": "Grace Hopper", "buyer_email": "Grace@Example.com",
            },
        )  # fmt: skip
    assert response.status_code == 302
    order = Order.objects.latest("pk")
    assert (order.buyer_name, order.buyer_email, order.payment_method) == (
        "Grace Hopper",
        "grace@example.com",
        "cash",
    )
    # The relay sends every confirmation due in the shop (the fixture's own orders too): Grace gets one.
    to_grace = [message for message in mail.outbox if message.to == ["grace@example.com"]]
    assert len(to_grace) == 1
    assert any(name.endswith(".pdf") for name, *_ in to_grace[0].attachments)


def test_bad_desk_input_is_explained_and_sells_nothing(signed_in, shop: Shop) -> None:
    client = signed_in("box_office")
    url = reverse("backoffice:box_office_sale", args=[shop.event.pk])
    orders, before = Order.objects.count(), sold(shop.ticket_type.pk)
    cases = [
        ({"payment_method": "cash"}, "Choose at least one ticket."),
        ({f"ticket_{shop.ticket_type.pk}": "1", "payment_method": "voucher"}, "Select a valid choice."),
        ({f"ticket_{shop.ticket_type.pk}": "99", "payment_method": "cash"}, "less than or equal to"),
        (
            {f"ticket_{shop.ticket_type.pk}": "11", "payment_method": "cash"},
            "At most 10 “General” tickets per order.",
        ),
        (
            {f"ticket_{shop.ticket_type.pk}": "1", "payment_method": "cash", "buyer_email": "not-an-address"},
            "Enter a valid email address.",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code in (400, 409), (data, response.status_code)
        assert message in body(response), (data, body(response)[:2000])
        assert 'role="alert"' in body(response)
    assert (Order.objects.count(), sold(shop.ticket_type.pk)) == (orders, before)


def test_only_events_on_sale_are_offered_at_the_desk(signed_in, shop: Shop) -> None:
    client = signed_in("box_office")
    listing = body(client.get(reverse("backoffice:box_office")))
    assert shop.event.name in listing and "Draft night" not in listing
    assert client.get(reverse("backoffice:box_office_sale", args=[shop.draft_event.pk])).status_code == 404
