"""Invoice PDFs: the buyer's from their order's private link, staff's from the back office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ticketing.backoffice.access import requires
from ticketing.invoices.documents import render_invoice_pdf
from ticketing.invoices.models import Invoice
from ticketing.invoices.selectors import invoice_of_order
from ticketing.orders.models import Order
from ticketing.orders.selectors import order_by_code, order_for_buyer
from ticketing.team.roles import Permission


def _pdf_response(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _invoice(order: Order | None, pk: int) -> Invoice:
    invoice = invoice_of_order(order, pk) if order is not None else None
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@require_GET
def buyer_invoice_pdf(request: HttpRequest, code: str, secret: str, pk: int) -> HttpResponse:
    return _pdf_response(_invoice(order_for_buyer(code, secret), pk))


@requires(Permission.VIEW_ORDERS)
@require_GET
def staff_invoice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _pdf_response(_invoice(order_by_code(code), pk))
