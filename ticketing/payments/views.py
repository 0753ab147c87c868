"""Payment pages and endpoints: the card step of a card order, its return page, Stripe's webhook."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from ticketing.orders.models import Order
from ticketing.orders.selectors import order_for_buyer
from ticketing.payments.models import Payment
from ticketing.payments.providers import provider_named
from ticketing.payments.providers.stripe import stripe_js_url
from ticketing.payments.selectors import latest_payment
from ticketing.payments.services import card_terms, pay_by_card, refresh_payment
from ticketing.payments.webhooks import receive_stripe_event, verified_stripe_event

logger = logging.getLogger(__name__)


def _card_order(code: str, secret: str) -> Order:
    order = order_for_buyer(code, secret)
    if order is None or order.payment_method != Order.PaymentMethod.CARD:
        raise Http404("No such card order.")
    return order


def _answer(order: Order, payment: Payment) -> JsonResponse:
    """What the card page's script does next: 3-D Secure, show an error, or go to the order."""
    body: dict[str, str] = {"status": payment.status}
    if payment.status == Payment.Status.REQUIRES_ACTION:
        body["client_secret"] = payment.client_secret
    if payment.status == Payment.Status.FAILED:
        body["message"] = payment.failure_message or "The card was declined."
    body["return_url"] = reverse("payments:card_return", args=[order.code, order.secret])
    return JsonResponse(body)


@require_http_methods(["GET", "POST"])
def card_payment(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """GET: the card form (Stripe.js). POST: the PaymentMethod id it made → the payment, as JSON."""
    order = _card_order(code, secret)
    if order.status != Order.Status.PENDING_PAYMENT:
        if request.method == "POST":
            payment = latest_payment(order)
            if payment is not None:
                return _answer(order, payment)
        return redirect("orders:order", code=order.code, secret=order.secret)
    if request.method == "POST":
        try:
            payment = pay_by_card(order=order, payment_method_id=request.POST.get("payment_method", ""))
        except DomainError as error:
            return JsonResponse(
                error.as_problem(), status=error.http_status, content_type="application/problem+json"
            )
        return _answer(order, payment)
    try:
        terms = card_terms(order)
        setup_secret = provider_named("stripe").browser_setup(terms=terms)
    except DomainError as error:
        context = {"event": order.event, "message": error.message}
        return render(request, "orders/checkout_refused.html", context, status=error.http_status)
    context = {
        "order": order,
        "event": order.event,
        "setup_secret": setup_secret,
        "stripe_js_url": stripe_js_url(),
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_account": terms.account_id,
        "payment": latest_payment(order),
    }
    return render(request, "payments/card.html", context)


@require_GET
def card_return(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """After the card step (and 3-D Secure): ask Stripe how the payment stands, then show the order."""
    order = _card_order(code, secret)
    payment = latest_payment(order)
    if payment is not None and payment.is_open:
        try:
            refresh_payment(payment=payment)
        except DomainError:
            logger.warning("Payment %s could not be refreshed; the webhook will settle it.", payment.pk)
    return redirect("orders:order", code=order.code, secret=order.secret)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Stripe's events about buyers' payments (platform host; see ticketing.payments.webhooks)."""
    try:
        event = verified_stripe_event(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            secret=settings.STRIPE_PAYMENTS_WEBHOOK_SECRET,
        )
        outcome = receive_stripe_event(event=event)
    except DomainError as error:
        return JsonResponse(
            error.as_problem(), status=error.http_status, content_type="application/problem+json"
        )
    return JsonResponse({"received": event.get("id"), "outcome": outcome})
