"""Ticket PDFs read back: what they say, what their QR codes carry, their colours, who may download them."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.test import Client

from branding.services import set_theme
from tenants.models import Tenant
from ticketing.catalog.services import update_event
from ticketing.orders.services import cancel_order, mark_order_paid, refund_order
from ticketing.tickets.models import TicketsPdf
from ticketing.tickets.payload import verify_ticket
from ticketing.tickets.selectors import verification_keys
from ticketing.tickets.services import order_tickets_pdf, rotate_signing_key, ticket_code

from .conftest import STARTS_AT, Renders, Show, buy
from .pdf_reading import embedded_qr_codes, hex_rgb, page_texts, pixel_at, rendered_pages

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


@pytest.mark.usefixtures("in_acme")
def test_the_pdf_shows_event_order_and_shop_with_a_page_per_ticket(show: Show) -> None:
    set_theme(display_name="Acme Live Music")
    order = buy(show, standing=2, seated=1)

    pages = page_texts(order_tickets_pdf(order=order))

    assert len(pages) == 3
    for page in pages:
        assert "Jazz at the Lake" in page
        assert order.code in page
        assert "Acme Live Music" in page
        assert "Ada Lovelace" in page
        # 18:00 UTC shown as the Berlin evening it is, with its zone.
        assert "Saturday, July 12, 2031, 8:00 PM – 11:00 PM CEST" in page
        assert "Europe/Berlin" in page
        assert "Seebühne" in page and "Uferweg 1" in page
    assert ["$25.00" in page for page in pages] == [True, True, False]
    assert ["$40.00" in page for page in pages] == [False, False, True]
    tickets = list(order.tickets.order_by("pk"))
    assert [ticket.public_id in page for ticket, page in zip(tickets, pages, strict=True)] == [True] * 3


@pytest.mark.usefixtures("in_acme")
def test_each_pages_qr_code_decodes_to_the_signed_code_of_its_ticket(show: Show) -> None:
    order = buy(show, standing=2, seated=1)
    pdf = order_tickets_pdf(order=order)
    tickets = list(order.tickets.order_by("pk"))
    keys = verification_keys()

    embedded = embedded_qr_codes(pdf)
    assert [len(codes) for codes in embedded] == [1, 1, 1]
    for (code,), ticket in zip(embedded, tickets, strict=True):
        assert code == ticket_code(ticket=ticket)
        claims = verify_ticket(code, public_keys=keys, at=STARTS_AT)
        assert (claims.ticket_id, claims.event_id, claims.holder_initials) == (
            ticket.public_id,
            show.event.pk,
            "AL",
        )

    # And as a scanner sees the page: rasterised at 150 dpi, the code still reads.
    from .pdf_reading import decode_qr

    seen = [decode_qr(page) for page in rendered_pages(pdf)]
    assert seen == embedded


@pytest.mark.usefixtures("in_acme")
def test_the_pdf_is_in_the_shops_colours(show: Show) -> None:
    set_theme(display_name="Acme Live Music", primary_color="#8a1538")
    order = buy(show, standing=1, seated=0)

    (page,) = rendered_pages(order_tickets_pdf(order=order))

    # The band across the top of the ticket (page margin 14 mm, band about 14 mm high).
    assert pixel_at(page, x_mm=150, y_mm=17) == hex_rgb("#8a1538")
    assert pixel_at(page, x_mm=150, y_mm=5) == (255, 255, 255)  # the page margin stays white


@pytest.mark.usefixtures("in_bravo")
def test_a_german_shops_pdf_speaks_german_and_prices_in_euros(show: Show) -> None:
    order = buy(show, standing=1, seated=0)

    (page,) = page_texts(order_tickets_pdf(order=order))

    assert "Bravo Tickets" in page
    assert "25,00 €" in page
    assert "Samstag, 12. Juli 2031, 20:00 – 23:00 CEST" in page
    assert "Zeitzone" in page and "Ticket 1 von 1" in page  # the order's language, not the worker's


@pytest.mark.usefixtures("in_acme")
def test_a_download_reuses_the_rendering_until_the_tickets_change(
    acme_client: Client, acme: Tenant, show: Show, renders: Renders
) -> None:
    order = buy(show, standing=2, seated=0)
    url = f"/orders/{order.code}/{order.secret}/tickets.pdf"

    first = acme_client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="tickets-{order.code}.pdf"'
    assert first["Cache-Control"] == "private, no-store"
    assert (renders.pdfs, renders.qr_codes) == (1, 2)
    again = acme_client.get(url)
    assert again.content == first.content
    assert (renders.pdfs, renders.qr_codes) == (1, 2)

    connection.set_tenant(acme)
    mark_order_paid(order=order, actor=None)
    refund_order(order=order, actor=None, ticket_ids=[order.tickets.order_by("pk")[0].pk])
    after_refund = acme_client.get(url)
    assert renders.pdfs == 2
    assert len(page_texts(after_refund.content)) == 1  # the refunded ticket is gone

    connection.set_tenant(acme)
    update_event(actor=None, event=show.event, name="Jazz on the Water")
    renamed = acme_client.get(url)
    assert renders.pdfs == 3
    assert "Jazz on the Water" in page_texts(renamed.content)[0]

    connection.set_tenant(acme)
    new_key = rotate_signing_key(actor=None)
    rotated = acme_client.get(url)
    assert renders.pdfs == 4
    connection.set_tenant(acme)
    ((code,),) = embedded_qr_codes(rotated.content)
    assert verify_ticket(code, public_keys=verification_keys()).key_id == new_key.key_id
    assert TicketsPdf.objects.filter(order=order).count() == 1


@pytest.mark.usefixtures("in_acme")
def test_only_the_buyers_link_downloads_the_pdf(
    acme_client: Client, bravo_client: Client, acme: Tenant, show: Show
) -> None:
    order = buy(show, standing=1, seated=0)
    assert acme_client.get(f"/orders/{order.code}/{order.secret}/tickets.pdf").status_code == 200
    assert acme_client.get(f"/orders/{order.code}/{order.secret}x/tickets.pdf").status_code == 404
    assert acme_client.get(f"/orders/{order.code}/wrong/tickets.pdf").status_code == 404
    # The same link on another shop's host finds nothing: the order lives in acme's schema.
    assert bravo_client.get(f"/orders/{order.code}/{order.secret}/tickets.pdf").status_code == 404

    connection.set_tenant(acme)
    cancel_order(order=order, actor=None)
    assert acme_client.get(f"/orders/{order.code}/{order.secret}/tickets.pdf").status_code == 404


@pytest.mark.usefixtures("in_acme")
def test_the_order_and_my_tickets_pages_link_the_pdf(acme_client: Client, acme: Tenant, show: Show) -> None:
    order = buy(show, standing=1, seated=0)
    link = f"/orders/{order.code}/{order.secret}/tickets.pdf"
    assert link in acme_client.get(f"/orders/{order.code}/{order.secret}/").content.decode()

    from ticketing.orders.services import magic_link_token

    connection.set_tenant(acme)
    token = magic_link_token("ada@example.com")
    assert link in acme_client.get(f"/my-tickets/{token}/").content.decode()
