"""Orders: find by code, e-mail or name; detail with payment, cancellation and refunds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.money import Money
from ticketing.audit.selectors import entries_for
from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import OrderSearchForm, ReasonForm, RefundForm
from ticketing.backoffice.pages import render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.orders.models import Order, Ticket
from ticketing.orders.selectors import order_by_code, refunds_of, search_orders, tickets_of
from ticketing.orders.services import cancel_order, mark_order_paid, refund_order
from ticketing.team.roles import Permission
from ticketing.tickets.services import order_tickets_pdf

SECTION = "orders"
PAGE_SIZE = 50


def _order(code: str) -> Order:
    order = order_by_code(code)
    if order is None:
        raise Http404(_("No such order."))
    return order


def _refund_form(order: Order, data: Any = None) -> RefundForm:
    choices = [
        (ticket.pk, f"{ticket.ticket_type.name} · {ticket.public_id[:8]}")
        for ticket in tickets_of(order).filter(status=Ticket.Status.VALID)
    ]
    return RefundForm(data, ticket_choices=choices)


def _detail(
    request: HttpRequest,
    order: Order,
    *,
    refund_form: RefundForm | None = None,
    cancel_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    refund_form = refund_form or _refund_form(order)
    cancel_form = cancel_form or ReasonForm()
    context = {
        "order": order,
        # A refused action's form stays on the page with its message, whatever the status now.
        "show_cancel": order.status == Order.Status.PENDING_PAYMENT or bool(cancel_form.errors),
        "show_refund": order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
        or bool(refund_form.errors),
        "lines": order.lines.select_related("ticket_type", "addon"),
        "tickets": tickets_of(order),
        "refunds": refunds_of(order),
        "log": entries_for(order)[:50],
        "refund_form": refund_form,
        "cancel_form": cancel_form,
    }
    return render_page(request, "backoffice/orders/detail.html", context, section=SECTION, status=status)


@requires(Permission.VIEW_ORDERS)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(search_orders(query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page": page}
    return render_page(
        request,
        "backoffice/orders/list.html",
        context,
        section=SECTION,
        status=200 if form.is_valid() else 400,
    )


@requires(Permission.VIEW_ORDERS)
@require_GET
def order_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _order(code))


@requires(Permission.SELL_BOX_OFFICE)
@require_POST
def order_mark_paid(request: HttpRequest, code: str) -> HttpResponse:
    order = _order(code)
    try:
        mark_order_paid(order=order, actor=actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Order %(code)s is paid.") % {"code": order.code})
    return redirect("backoffice:order_detail", code=order.code)


@requires(Permission.MANAGE_ORDERS)
@require_POST
def order_cancel(request: HttpRequest, code: str) -> HttpResponse:
    order = _order(code)
    form = ReasonForm(request.POST)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        cancel_order(order=order, actor=actor(request), reason=fields["reason"])
        messages.success(
            request, _("Order %(code)s is cancelled; its tickets are back on sale.") % {"code": order.code}
        )
        return redirect("backoffice:order_detail", code=order.code)

    done, status = submitted(request, form, perform)
    return done or _detail(request, order, cancel_form=form, status=status)


@requires(Permission.MANAGE_ORDERS)
@require_POST
def order_refund(request: HttpRequest, code: str) -> HttpResponse:
    order = _order(code)
    form = _refund_form(order, request.POST)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        refund = refund_order(
            order=order, actor=actor(request), ticket_ids=form.ticket_ids(), reason=fields["reason"]
        )
        amount = Money(refund.amount_minor, refund.currency)
        messages.success(
            request, _("Refunded %(amount)s; the tickets are back on sale.") % {"amount": amount}
        )
        return redirect("backoffice:order_detail", code=order.code)

    done, status = submitted(request, form, perform)
    return done or _detail(request, order, refund_form=form, status=status)


@requires(Permission.VIEW_ORDERS)
@require_GET
def order_tickets(request: HttpRequest, code: str) -> HttpResponse:
    """The order's tickets as a PDF, for the box office to print or hand over."""
    order = _order(code)
    try:
        content = order_tickets_pdf(order=order)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:order_detail", code=order.code)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="tickets-{order.code}.pdf"'
    response["Cache-Control"] = "private, no-store"  # signed entry codes: keep them out of shared caches
    return response
