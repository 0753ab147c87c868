"""Ticket downloads for buyers (by their private order link) and the public keys for scanners."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from core.errors import DomainError
from ticketing.orders.models import Order
from ticketing.orders.selectors import order_for_buyer
from ticketing.tickets.selectors import current_shop, public_key_document
from ticketing.tickets.services import ensure_signing_key, order_calendar_file, order_tickets_pdf


def _buyers_order(code: str, secret: str) -> Order:
    """The same check as the confirmation page: the order's code with its secret."""
    order = order_for_buyer(code, secret)
    if order is None:
        raise Http404("No such order.")
    return order


@require_GET
def tickets_pdf(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    order = _buyers_order(code, secret)
    try:
        content = order_tickets_pdf(order=order)
    except DomainError as error:
        raise Http404(error.message) from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tickets-{order.code}.pdf"'
    response["Cache-Control"] = "private, no-store"  # signed entry codes: keep them out of shared caches
    return response


@require_GET
def calendar_file(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    order = _buyers_order(code, secret)
    response = HttpResponse(order_calendar_file(order=order), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{order.event.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def public_keys(request: HttpRequest) -> JsonResponse:
    """The shop's ticket verification keys as a JWK set; scanners fetch it and verify offline."""
    ensure_signing_key()  # a scanner may be set up before the first ticket is sold
    response = JsonResponse(public_key_document(shop=current_shop()))
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # public data; scanner web apps fetch it cross-origin
    return response
