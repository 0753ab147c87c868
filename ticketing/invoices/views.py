"""Invoice PDFs for the buyer, from their order's private link (staff's are in the back office)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ticketing.invoices.documents import render_invoice_pdf
from ticketing.invoices.models import Invoice
from ticketing.invoices.selectors import invoice_of_order
from ticketing.orders.selectors import order_for_buyer


def invoice_pdf_response(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def buyer_invoice_pdf(request: HttpRequest, code: str, secret: str, pk: int) -> HttpResponse:
    order = order_for_buyer(code, secret)
    invoice = invoice_of_order(order, pk) if order is not None else None
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice_pdf_response(invoice)
