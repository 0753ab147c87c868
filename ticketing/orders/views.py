"""Storefront checkout pages: views parse, call one service, and answer."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import storefront_event
from ticketing.inventory.models import Hold
from ticketing.inventory.selectors import active_hold, event_offer
from ticketing.inventory.services import reserve_tickets
from ticketing.orders.errors import OrderErrorCode
from ticketing.orders.forms import BuyerForm, MyTicketsForm, OneStepCheckoutForm, SelectionForm
from ticketing.orders.models import Order
from ticketing.orders.selectors import order_for_buyer, orders_for_email, tickets_of
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    email_for_magic_link,
    place_order,
    quote_hold,
    send_my_tickets_link,
)


def _event_or_404(slug: str) -> Event:
    event = storefront_event(slug)
    if event is None:
        raise Http404("No such event on sale.")
    return event


def event_page(
    request: HttpRequest, slug: str, form: SelectionForm | None = None, status: int = 200
) -> HttpResponse:
    event = _event_or_404(slug)
    offer = form.offer if form is not None else event_offer(event)
    form = form or SelectionForm(offer=offer)
    rows = [(ticket_offer, form[f"ticket_{pk}"]) for pk, ticket_offer in offer.ticket_types.items()]
    addon_rows = [(addon_offer, form[f"addon_{pk}"]) for pk, addon_offer in offer.addons.items()]
    context = {"event": event, "offer": offer, "form": form, "rows": rows, "addon_rows": addon_rows}
    return render(request, "catalog/event_detail.html", context, status=status)


@require_POST
def reserve(request: HttpRequest, slug: str) -> HttpResponse:
    """Ticket selection → a hold, then on to the checkout page."""
    event = _event_or_404(slug)
    form = SelectionForm(request.POST, offer=event_offer(event))
    if not form.is_valid():
        return event_page(request, slug, form=form, status=400)
    try:
        hold = reserve_tickets(event=event, selection=form.selection())
    except DomainError as error:
        form.add_domain_error(error)
        return event_page(request, slug, form=form, status=error.http_status)
    return redirect("orders:checkout", token=hold.token)


def _hold_or_404(token: str) -> Hold:
    hold = active_hold(token)
    if hold is None:
        raise Http404("No such reservation.")
    return hold


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    """Buyer details and payment method for a hold; pay later places the order."""
    hold = _hold_or_404(token)
    if hold.status == Hold.Status.CONVERTED:
        order = Order.objects.get(hold=hold)
        return redirect("orders:order", code=order.code, secret=order.secret)
    quote = quote_hold(hold)
    status = 200
    if request.method == "POST":
        form = BuyerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = place_order(
                    hold=hold,
                    buyer=Buyer(name=data["name"], email=data["email"], phone=data["phone"]),
                    payment_method=data["payment_method"],
                    expected_total_minor=data["expected_total_minor"],
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.http_status
                if error.code == OrderErrorCode.PRICE_MISMATCH:
                    form = BuyerForm(
                        {**request.POST.dict(), "expected_total_minor": quote.total_minor},
                    )
                    form.add_domain_error(error)
            else:
                return redirect("orders:order", code=order.code, secret=order.secret)
        else:
            status = 400
    else:
        form = BuyerForm(initial={"expected_total_minor": quote.total_minor})
    context = {"hold": hold, "event": hold.event, "quote": quote, "form": form}
    return render(request, "orders/checkout.html", context, status=status)


@require_POST
def buy(request: HttpRequest, slug: str) -> HttpResponse:
    """One-page checkout: selection and buyer details in one request, sold in one transaction."""
    event = _event_or_404(slug)
    offer = event_offer(event, with_addons=False)
    form = OneStepCheckoutForm(request.POST, offer=offer)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = buy_tickets(
                event=event,
                selection=form.selection(),
                buyer=Buyer(name=data["name"], email=data["email"], phone=data["phone"]),
                payment_method=data["payment_method"],
                expected_total_minor=data["expected_total_minor"],
                offer=offer,
            )
        except DomainError as error:
            form.add_domain_error(error)
            return render(
                request, "orders/buy_refused.html", {"event": event, "form": form}, status=error.http_status
            )
        return redirect("orders:order", code=order.code, secret=order.secret)
    return render(request, "orders/buy_refused.html", {"event": event, "form": form}, status=400)


def order_page(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """The buyer's confirmation page, reached by the private link (no account needed)."""
    order = order_for_buyer(code, secret)
    if order is None:
        raise Http404("No such order.")
    context = {"order": order, "lines": order.lines.all(), "tickets": tickets_of(order)}
    return render(request, "orders/order.html", context)


@require_http_methods(["GET", "POST"])
def my_tickets_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to every order placed with an e-mail address."""
    form = MyTicketsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            send_my_tickets_link(
                email=form.cleaned_data["email"],
                link_base=request.build_absolute_uri(reverse("orders:my_tickets_request")),
            )
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            return render(request, "orders/my_tickets_sent.html", {"email": form.cleaned_data["email"]})
    return render(
        request, "orders/my_tickets_request.html", {"form": form}, status=400 if form.errors else 200
    )


def my_tickets(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = email_for_magic_link(token)
    except DomainError as error:
        form = MyTicketsForm()
        return render(
            request, "orders/my_tickets_request.html", {"form": form, "link_error": error.message}, status=400
        )
    orders = orders_for_email(email)
    return render(request, "orders/my_tickets.html", {"email": email, "orders": orders})
