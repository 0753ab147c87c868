"""Storefront checkout pages: views parse, call one service, and answer."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branding.selectors import translated_text
from core.errors import DomainError
from core.model_rows import prepared_statements
from core.money import Money
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import storefront_event
from ticketing.discounts.selectors import EventDiscounts, discounts_for
from ticketing.inventory.models import Hold
from ticketing.inventory.selectors import EventOffer, active_hold, event_offer
from ticketing.invoices.selectors import invoices_of
from ticketing.orders.errors import OrderError, OrderErrorCode
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
    start_checkout,
)
from ticketing.payments.selectors import latest_payment, methods_offered, payment_options
from ticketing.taxes.selectors import buyer_region, currency_of, taxation_for


def _region_code(request: HttpRequest) -> str:
    region = buyer_region(request)
    return region.code if region is not None else ""


def _currency(request: HttpRequest) -> str:
    return currency_of(buyer_region(request))


def _event_or_404(slug: str) -> Event:
    event = storefront_event(slug)
    if event is None:
        raise Http404("No such event on sale.")
    return event


@dataclass(frozen=True)
class CodeState:
    """The discounts of the event page, and the promo code the buyer entered as the page shows it."""

    discounts: EventDiscounts
    unlocked: frozenset[int] = frozenset()
    error: str = ""

    @property
    def code(self) -> str:
        return self.discounts.code

    @property
    def applied(self) -> bool:
        return bool(self.code) and not self.error


def _code_state(event: Event, code: str) -> CodeState:
    """Read the event's discounts and the code's (one query); a code that cannot be used unlocks nothing."""
    discounts = discounts_for(event, code=code[:64])
    try:
        unlocked = discounts.unlocked_ticket_type_ids(event_id=event.pk)
    except DomainError as error:
        return CodeState(discounts=discounts, error=error.message)
    return CodeState(discounts=discounts, unlocked=unlocked)


def _described(code_state: CodeState, offer: EventOffer) -> list[tuple[str, str]]:
    """The discounts a buyer may get here (automatic ones, and their code's), in words."""
    names = {
        pk: translated_text(ticket_offer.ticket_type, "name")
        for pk, ticket_offer in offer.ticket_types.items()
    }
    rules = list(code_state.discounts.automatic)
    if code_state.applied and code_state.discounts.promo is not None:
        rules.insert(0, code_state.discounts.promo)
    return [(rule.name, rule.describe(names)) for rule in rules]


def event_page(
    request: HttpRequest,
    slug: str,
    form: SelectionForm | None = None,
    status: int = 200,
    code_state: CodeState | None = None,
) -> HttpResponse:
    event = _event_or_404(slug)
    if code_state is None:
        code_state = _code_state(event, request.GET.get("promo_code", ""))
        if code_state.error:
            status = 400
    offer = (
        form.offer
        if form is not None
        else event_offer(event, unlocked_ticket_type_ids=code_state.unlocked, currency=_currency(request))
    )
    form = form or SelectionForm(
        offer=offer, initial={"promo_code": code_state.code if code_state.applied else ""}
    )
    rows = [(ticket_offer, form[f"ticket_{pk}"]) for pk, ticket_offer in offer.ticket_types.items()]
    addon_rows = [(addon_offer, form[f"addon_{pk}"]) for pk, addon_offer in offer.addons.items()]
    context = {
        "event": event,
        "offer": offer,
        "form": form,
        "rows": rows,
        "addon_rows": addon_rows,
        "code_state": code_state,
        "promo": code_state.discounts.promo if code_state.applied else None,
        "offers": _described(code_state, offer),
    }
    return render(request, "catalog/event_detail.html", context, status=status)


@require_POST
def reserve(request: HttpRequest, slug: str) -> HttpResponse:
    """Ticket selection (and promo code) → a hold, then on to the checkout page."""
    event = _event_or_404(slug)
    code_state = _code_state(event, request.POST.get("promo_code", ""))
    offer = event_offer(event, unlocked_ticket_type_ids=code_state.unlocked, currency=_currency(request))
    form = SelectionForm(request.POST, offer=offer)
    if not form.is_valid():
        return event_page(request, slug, form=form, status=400, code_state=code_state)
    try:
        hold = start_checkout(
            event=event,
            selection=form.selection(),
            promo_code=form.cleaned_data["promo_code"],
            region=_region_code(request),
        )
    except DomainError as error:
        form.add_domain_error(error)
        return event_page(request, slug, form=form, status=error.http_status, code_state=code_state)
    return redirect("orders:checkout", token=hold.token)


def _hold_or_404(token: str) -> Hold:
    hold = active_hold(token)
    if hold is None:
        raise Http404("No such reservation.")
    return hold


def _methods(currency: str, total_minor: int) -> list[tuple[str, str]]:
    return [
        (offer.method, offer.label) for offer in methods_offered(currency=currency, total_minor=total_minor)
    ]


def _after_placing(order: Order) -> HttpResponse:
    """A card order goes on to the card step; any other to its confirmation page."""
    if order.payment_method == Order.PaymentMethod.CARD and order.status == Order.Status.PENDING_PAYMENT:
        return redirect("payments:card", code=order.code, secret=order.secret)
    return redirect("orders:order", code=order.code, secret=order.secret)


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    """Buyer details and payment method for a hold; pay later places the order."""
    hold = _hold_or_404(token)
    if hold.status == Hold.Status.CONVERTED:
        return _after_placing(Order.objects.get(hold=hold))
    try:
        quote = quote_hold(hold)
    except DomainError as error:  # its promo code expired or was used up since the selection
        context = {"event": hold.event, "message": error.message}
        return render(request, "orders/checkout_refused.html", context, status=error.http_status)
    status = 200
    methods = _methods(quote.currency, quote.total_minor)
    if request.method == "POST":
        form = BuyerForm(request.POST, methods=methods)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["vat_id"]:  # a business buyer's VAT ID may change the tax: show that quote
                    quote = quote_hold(hold, taxation=taxation_for(hold.region, vat_id=data["vat_id"]))
                order = place_order(
                    hold=hold,
                    buyer=Buyer(name=data["name"], email=data["email"], phone=data["phone"]),
                    payment_method=data["payment_method"],
                    expected_total_minor=data["expected_total_minor"],
                    vat_id=data["vat_id"],
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.http_status
                if error.code == OrderErrorCode.PRICE_MISMATCH:
                    form = BuyerForm(
                        {**request.POST.dict(), "expected_total_minor": quote.total_minor}, methods=methods
                    )
                    if quote.taxation.reverse_charge:  # the VAT ID changed the total, not the prices
                        error = OrderError(
                            OrderErrorCode.PRICE_MISMATCH,
                            _(
                                "With your VAT ID no VAT is charged: the total is now %(total)s. "
                                "Nothing was booked; please check it and place the order again."
                            )
                            % {"total": Money(quote.total_minor, quote.currency)},
                        )
                    form.add_domain_error(error)
            else:
                return _after_placing(order)
        else:
            status = 400
    else:
        form = BuyerForm(initial={"expected_total_minor": quote.total_minor}, methods=methods)
    context = {"hold": hold, "event": hold.event, "quote": quote, "form": form}
    return render(request, "orders/checkout.html", context, status=status)


@require_POST
@prepared_statements()
def buy(request: HttpRequest, slug: str) -> HttpResponse:
    """One-page checkout: selection, promo code and buyer details in one request, sold in one transaction."""
    event = _event_or_404(slug)
    code_state = _code_state(event, request.POST.get("promo_code", ""))
    currency = _currency(request)
    offer = event_offer(
        event, with_addons=False, unlocked_ticket_type_ids=code_state.unlocked, currency=currency
    )
    form = OneStepCheckoutForm(request.POST, offer=offer, methods=_methods(currency, 0))
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = buy_tickets(
                event=event,
                selection=form.selection(),
                buyer=Buyer(name=data["name"], email=data["email"], phone=data["phone"]),
                payment_method=data["payment_method"],
                promo_code=data["promo_code"],
                expected_total_minor=data["expected_total_minor"],
                offer=offer,
                discounts=code_state.discounts,  # read above for this very code: no second query
                region=_region_code(request),
                vat_id=data["vat_id"],
            )
        except DomainError as error:
            form.add_domain_error(error)
            return render(
                request, "orders/buy_refused.html", {"event": event, "form": form}, status=error.http_status
            )
        return _after_placing(order)
    return render(request, "orders/buy_refused.html", {"event": event, "form": form}, status=400)


def order_page(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """The buyer's confirmation page, reached by the private link (no account needed)."""
    order = order_for_buyer(code, secret)
    if order is None:
        raise Http404("No such order.")
    context = {
        "order": order,
        "lines": order.lines.all(),
        "tickets": tickets_of(order),
        "invoices": invoices_of(order),
        "payment": latest_payment(order),
        "payment_options": payment_options(),
    }
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
