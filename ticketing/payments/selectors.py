"""Payment reads for the storefront and the back office."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from billing.payouts.selectors import payout_account_for
from billing.reseller import current_reseller
from core.money import Money
from tenants.near_cache import near_cache
from ticketing.orders.models import Order
from ticketing.payments.amounts import to_stripe_amount
from ticketing.payments.errors import PaymentError
from ticketing.payments.models import Dispute, Payment, PaymentOptions
from ticketing.payments.providers import provider_named


@dataclass(frozen=True)
class MethodOffered:
    method: str
    label: str


_OPTIONS_CACHE_KEY = "payments:options"  # the cache key function prefixes the tenant's schema


def payment_options() -> PaymentOptions:
    """The shop's payment options (an unsaved row with the defaults when staff never changed them).

    Cached per schema: every checkout reads them; update_payment_options forgets them."""
    options: PaymentOptions | None = near_cache.get(_OPTIONS_CACHE_KEY, 300)
    if options is None:
        options = PaymentOptions.objects.filter(pk=1).first() or PaymentOptions(pk=1)
        near_cache.set(_OPTIONS_CACHE_KEY, options, 300)
    return options


def forget_payment_options() -> None:
    near_cache.forget(_OPTIONS_CACHE_KEY)


def card_payments_possible(*, currency: str) -> bool:
    """Stripe is configured and the shop can charge cards (a connected account, or the local fake)."""
    if not settings.STRIPE_API_KEY:
        return False
    if not settings.STRIPE_SECRET_KEY:
        return True
    account = payout_account_for(tenant=current_reseller())
    return account is not None and account.charges_enabled


def methods_offered(
    *, currency: str, total_minor: int | None = None, options: PaymentOptions | None = None
) -> list[MethodOffered]:
    """The payment methods the checkout offers for an order in ``currency`` (card first)."""
    options = options or payment_options()
    offered: list[MethodOffered] = []
    if options.card_enabled and card_payments_possible(currency=currency):
        card_ok = True
        if total_minor:
            try:
                to_stripe_amount(Money(total_minor, currency))
            except PaymentError:
                card_ok = False
        if card_ok:
            offered.append(MethodOffered(Order.PaymentMethod.CARD, str(Order.PaymentMethod.CARD.label)))
    if options.bank_transfer_enabled:
        offered.append(
            MethodOffered(Order.PaymentMethod.BANK_TRANSFER, str(Order.PaymentMethod.BANK_TRANSFER.label))
        )
    if options.box_office_enabled:
        offered.append(
            MethodOffered(Order.PaymentMethod.BOX_OFFICE, str(Order.PaymentMethod.BOX_OFFICE.label))
        )
    return offered


def payments_of(order: Order) -> QuerySet[Payment]:
    return order.payments.order_by("created_at", "pk")


def latest_payment(order: Order) -> Payment | None:
    return order.payments.order_by("-created_at", "-pk").first()


def disputes_of(order: Order) -> QuerySet[Dispute]:
    return order.disputes.order_by("opened_at", "pk")


def successful_payment(order: Order) -> Payment | None:
    return order.payments.filter(status=Payment.Status.SUCCEEDED).first()


def provider_refund_due(*, order: Order) -> str:
    """The provider that must send a refund of this order back (empty: the reseller hands it back)."""
    payment = successful_payment(order)
    if payment is None or not provider_named(payment.provider).online:
        return ""
    return payment.provider
