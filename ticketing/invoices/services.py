"""Issuing invoices and credit notes, inside the transaction that makes an order paid or refunds it.

``issue_invoice`` is what every payment path calls where an order becomes paid (today
ticketing.orders.services.mark_order_paid); it joins the caller's transaction, so the
invoice number is taken and the invoice written in the same commit as the payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from branding.selectors import document_branding
from ticketing.audit.services import record
from ticketing.invoices.errors import InvoiceError, InvoiceErrorCode
from ticketing.invoices.models import Invoice, InvoiceCounter, InvoiceLine, Series
from ticketing.orders.models import Order, Refund
from ticketing.taxes.selectors import seller_country

INVOICED_STATUSES = (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED)


def next_number(series: Series) -> int:
    """The series' next number, its counter row locked until the caller's transaction ends.

    The UPDATE takes the row lock: a concurrent issuer waits for this commit (or rollback,
    which hands the number back), so numbers are consecutive with no gaps.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Invoice numbers are taken inside the transaction that issues the invoice.")
    table = InvoiceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (series, last_number) VALUES (%s, 0) ON CONFLICT (series) DO NOTHING',
            [str(series)],
        )
        cursor.execute(
            f'UPDATE "{table}" SET last_number = last_number + 1 WHERE series = %s RETURNING last_number',
            [str(series)],
        )
        row = cursor.fetchone()
    return int(row[0])


def _new_document(
    order: Order,
    *,
    series: Series,
    net_minor: int,
    tax_minor: int,
    credits: Invoice | None = None,
    refund: Refund | None = None,
) -> Invoice:
    seller = document_branding()
    return Invoice.objects.create(
        series=series,
        number=next_number(series),
        order=order,
        credits=credits,
        refund=refund,
        issued_at=timezone.now(),
        currency=order.currency,
        net_minor=net_minor,
        tax_minor=tax_minor,
        total_minor=net_minor + tax_minor,
        prices_include_tax=order.prices_include_tax,
        reverse_charge=order.reverse_charge,
        tax_jurisdiction=order.tax_jurisdiction,
        language=order.language,
        seller_name=seller.name[:200],
        seller_lines=list(seller.legal_lines),
        seller_country=seller_country(),
        buyer_name=order.buyer_name,
        buyer_email=order.buyer_email,
        buyer_vat_id=order.buyer_vat_id,
    )


def issue_invoice(*, order: Order) -> Invoice | None:
    """The invoice of a paid order, issued now or the one issued before; None for a free order.

    Runs in the caller's transaction (the one recording the payment), with the order row
    locked by the caller.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_invoice runs inside the transaction that records the payment.")
    existing = Invoice.objects.filter(order=order, series=Series.INVOICE).first()
    if existing is not None:
        return existing
    if order.status not in INVOICED_STATUSES:
        raise InvoiceError(InvoiceErrorCode.NOT_PAID, "Only paid orders are invoiced.")
    if order.total_minor == 0:
        return None
    invoice = _new_document(
        order, series=Series.INVOICE, net_minor=order.net_minor, tax_minor=order.tax_minor
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                description=line.description,
                quantity=line.quantity,
                tax_rate_bp=line.tax_rate_bp,
                net_minor=line.net_minor,
                tax_minor=line.tax_minor,
                gross_minor=line.gross_minor,
            )
            for line in order.lines.all()
        ]
    )
    record(action="invoice.issued", target=invoice, number=invoice.display_number, order=order.code)
    return invoice


@dataclass(frozen=True)
class CreditedLine:
    description: str
    quantity: int
    tax_rate_bp: int
    tax_minor: int
    gross_minor: int


def issue_credit_note(*, order: Order, refund: Refund, lines: Sequence[CreditedLine]) -> Invoice | None:
    """A credit note for a refund on an invoiced order (in the refund's transaction); None when the
    order was never invoiced. The invoice keeps its number: it is credited, never deleted."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_credit_note runs inside the transaction that records the refund.")
    invoice = Invoice.objects.filter(order=order, series=Series.INVOICE).first()
    if invoice is None:
        return None
    existing = Invoice.objects.filter(refund=refund).first()
    if existing is not None:
        return existing
    lines = [line for line in lines if line.gross_minor or line.quantity]
    if not lines:
        raise InvoiceError(InvoiceErrorCode.NOTHING_TO_CREDIT, "Nothing to credit.")
    tax = sum(line.tax_minor for line in lines)
    gross = sum(line.gross_minor for line in lines)
    credit_note = _new_document(
        order, series=Series.CREDIT_NOTE, credits=invoice, refund=refund, net_minor=gross - tax, tax_minor=tax
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=credit_note,
                description=line.description,
                quantity=line.quantity,
                tax_rate_bp=line.tax_rate_bp,
                net_minor=line.gross_minor - line.tax_minor,
                tax_minor=line.tax_minor,
                gross_minor=line.gross_minor,
            )
            for line in lines
        ]
    )
    record(
        action="invoice.credited",
        target=credit_note,
        number=credit_note.display_number,
        credits=invoice.display_number,
        order=order.code,
    )
    return credit_note
