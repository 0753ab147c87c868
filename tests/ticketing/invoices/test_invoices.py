"""Invoices issued where an order becomes paid, credit notes for refunds, and their PDFs read back."""

from __future__ import annotations

import io
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from branding.services import set_theme
from tenants.models import Tenant
from tests.conftest import client_for
from ticketing.inventory.services import Selection
from ticketing.invoices.documents import render_invoice_pdf
from ticketing.invoices.errors import InvoiceError
from ticketing.invoices.models import Invoice, InvoiceCounter, Series
from ticketing.invoices.services import issue_invoice
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets, mark_order_paid, refund_order

from ..factories import make_addon, make_member, make_regions, on_sale_event, price_in

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Marie Curie", email="marie@example.com")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def last_number(series: Series) -> int:
    counter = InvoiceCounter.objects.filter(series=series).first()
    return counter.last_number if counter is not None else 0


@pytest.fixture
def euro_order(in_acme: Tenant, monkeypatch) -> Order:
    """An unpaid order in the EU region: two tickets at 19 % VAT and parking at 7 %, VAT included."""
    monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE", raising=False)
    set_theme(display_name="Acme Live Europe", primary_color="#0b3d91")
    make_regions()
    event, ticket_type = on_sale_event(price_minor=5_000, name="Stalls")
    price_in(ticket_type, {"EUR": 4_500})
    parking = make_addon(event, name="Parking", price_minor=1_000, tax_category="reduced")
    price_in(parking, {"EUR": 1_070})
    return buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: 2}, addons={parking.pk: 1}),
        buyer=BUYER,
        region="EU",
    )


def test_marking_an_order_paid_issues_the_next_invoice_number_once(euro_order: Order) -> None:
    before = last_number(Series.INVOICE)
    assert not euro_order.invoices.exists()  # unpaid: no invoice yet
    order = mark_order_paid(order=euro_order, actor=None)
    invoice = Invoice.objects.get(order=order)
    assert invoice.number == before + 1
    assert invoice.display_number == f"INV-{before + 1:06d}"
    assert (invoice.currency, invoice.net_minor, invoice.tax_minor, invoice.total_minor) == (
        "EUR", 8_563, 1_507, 10_070,
    )  # fmt: skip
    assert sorted(invoice.lines.values_list("tax_rate_bp", "net_minor", "tax_minor", "gross_minor")) == [
        (700, 1_000, 70, 1_070),
        (1_900, 7_563, 1_437, 9_000),
    ]
    assert mark_order_paid(order=order, actor=None) == order  # paid twice: still one invoice
    assert Invoice.objects.filter(order=order).count() == 1
    assert last_number(Series.INVOICE) == before + 1


def test_the_invoice_pdf_shows_seller_buyer_tax_per_rate_and_totals(euro_order: Order) -> None:
    order = mark_order_paid(order=euro_order, actor=None)
    invoice = Invoice.objects.get(order=order)
    text = pdf_text(render_invoice_pdf(invoice))
    assert f"Invoice {invoice.display_number}" in text
    assert "Acme Live Europe" in text and "Marie Curie" in text and order.code in text
    assert "Tax at 19% on €75.63" in text and "€14.37" in text
    assert "Tax at 7% on €10.00" in text and "€0.70" in text
    assert "€100.70" in text


def test_a_reverse_charge_invoice_names_the_buyers_vat_id_and_says_why_there_is_no_vat(
    in_acme: Tenant, monkeypatch
) -> None:
    monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE", raising=False)
    make_regions()
    event, ticket_type = on_sale_event(price_minor=5_000)
    price_in(ticket_type, {"EUR": 11_900})
    order = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, region="EU",
        vat_id="NL123456789B01",
    )  # fmt: skip
    invoice = issue_invoice_for(order)
    assert (invoice.reverse_charge, invoice.tax_minor, invoice.total_minor) == (True, 0, 10_000)
    text = pdf_text(render_invoice_pdf(invoice))
    assert "NL123456789B01" in text and "Reverse charge" in text and "€100.00" in text


def issue_invoice_for(order: Order) -> Invoice:
    mark_order_paid(order=order, actor=None)
    return Invoice.objects.get(order=order, series=Series.INVOICE)


def test_zero_and_three_decimal_currencies_come_out_right_on_the_invoice(in_acme: Tenant) -> None:
    make_regions()
    event, ticket_type = on_sale_event(price_minor=5_000)
    price_in(ticket_type, {"JPY": 7_000, "KWD": 15_250})
    yen = issue_invoice_for(
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER, region="JP")
    )
    assert "¥21,000" in pdf_text(render_invoice_pdf(yen)) and "¥1,909" in pdf_text(render_invoice_pdf(yen))
    dinar = issue_invoice_for(
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER, region="KW")
    )
    text = pdf_text(render_invoice_pdf(dinar))
    assert "KWD45.750" in text and "KWD2.288" in text and "KWD48.038" in text


def test_an_invoice_is_in_the_buyers_language(euro_order: Order) -> None:
    Order.objects.filter(pk=euro_order.pk).update(language="de")
    invoice = issue_invoice_for(euro_order)
    text = pdf_text(render_invoice_pdf(invoice))
    assert f"Rechnung {invoice.display_number}" in text and "100,70" in text


def test_a_refund_gets_a_credit_note_and_the_invoice_keeps_its_number(euro_order: Order) -> None:
    invoice = issue_invoice_for(euro_order)
    before = last_number(Series.CREDIT_NOTE)
    ticket = euro_order.tickets.first()
    assert ticket is not None
    refund = refund_order(order=euro_order, actor=None, ticket_ids=[ticket.pk])
    credit = Invoice.objects.get(refund=refund)
    assert credit.series == Series.CREDIT_NOTE and credit.number == before + 1
    assert credit.credits == invoice
    # one of two 45.00 tickets: 45.00 back, 7.18 of its 14.37 VAT (shared out by units).
    assert (credit.total_minor, credit.tax_minor, refund.amount_minor) == (4_500, 718, 4_500)
    rest = refund_order(order=euro_order, actor=None)
    last = Invoice.objects.get(refund=rest)
    assert credit.total_minor + last.total_minor == invoice.total_minor
    assert credit.tax_minor + last.tax_minor == invoice.tax_minor
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    text = pdf_text(render_invoice_pdf(credit))
    assert (
        f"Credit note {credit.display_number}" in text and f"Credits invoice {invoice.display_number}" in text
    )


def test_a_free_order_is_not_invoiced_and_an_unpaid_one_cannot_be(in_acme: Tenant) -> None:
    event, ticket_type = on_sale_event(price_minor=0)
    free = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER)
    from django.db import transaction

    with transaction.atomic():
        assert issue_invoice(order=free) is None
    paid_event, paid_type = on_sale_event(price_minor=1_000)
    unpaid = buy_tickets(event=paid_event, selection=Selection(tickets={paid_type.pk: 1}), buyer=BUYER)
    with pytest.raises(InvoiceError), transaction.atomic():
        issue_invoice(order=unpaid)
    assert not Invoice.objects.filter(order__in=[free, unpaid]).exists()


def test_the_buyer_downloads_the_invoice_from_the_order_page(acme_client: Client, euro_order: Order) -> None:
    invoice = issue_invoice_for(euro_order)
    page = acme_client.get(f"/orders/{euro_order.code}/{euro_order.secret}/").content.decode()
    link = f"/orders/{euro_order.code}/{euro_order.secret}/invoices/{invoice.pk}.pdf"
    assert link in page and f"Invoice {invoice.display_number} (PDF)" in page
    assert "Included tax" in page and "€15.07" in page
    download = acme_client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert invoice.display_number in pdf_text(download.content)
    wrong = acme_client.get(f"/orders/{euro_order.code}/not-the-secret/invoices/{invoice.pk}.pdf")
    assert wrong.status_code == 404


def test_staff_who_see_orders_download_invoices_in_the_back_office(euro_order: Order) -> None:
    invoice = issue_invoice_for(euro_order)
    link = f"/backoffice/orders/{euro_order.code}/invoices/{invoice.pk}.pdf"

    def client(role: str) -> Client:
        signed = client_for("acme.localhost")
        signed.force_login(make_member(role))
        return signed

    box_office = client("box_office")
    detail = box_office.get(f"/backoffice/orders/{euro_order.code}/").content.decode()
    assert link in detail and "reverse charge" not in detail and "19%" in detail
    assert box_office.get(link).status_code == 200
    assert client("scanner").get(link).status_code == 403
    assert client_for("acme.localhost").get(link).status_code == 302  # to the sign-in page


def test_a_desk_sale_is_invoiced_under_the_default_regions_tax_rules(in_acme: Tenant) -> None:
    from ticketing.orders.box_office import sell_at_box_office

    make_regions()  # acme sells in USD; the default region is the US, sales tax added
    event, ticket_type = on_sale_event(price_minor=5_000)
    order = sell_at_box_office(
        actor=make_member("box_office"),
        event=event,
        selection=Selection(tickets={ticket_type.pk: 2}),
        payment_method="cash",
    )
    assert (order.region, order.tax_minor, order.total_minor) == ("US", 800, 10_800)
    invoice = Invoice.objects.get(order=order, series=Series.INVOICE)
    assert invoice.total_minor == 10_800
    assert "$108.00" in pdf_text(render_invoice_pdf(invoice))
