"""The registry of payment providers by name (see providers/base.py for the contract)."""

from __future__ import annotations

from ticketing.payments.errors import PaymentError, PaymentErrorCode
from ticketing.payments.providers.base import PaymentProvider
from ticketing.payments.providers.offline import OfflineProvider
from ticketing.payments.providers.stripe import StripeProvider

PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider for provider in (StripeProvider(), OfflineProvider())
}


def provider_named(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise PaymentError(PaymentErrorCode.UNKNOWN_PROVIDER, f"No payment provider {name!r}.") from None


def provider_for_method(method: str) -> PaymentProvider:
    """The provider that serves an order's payment method (card → stripe, bank transfer → offline)."""
    for provider in PROVIDERS.values():
        if method in provider.methods:
            return provider
    raise PaymentError(PaymentErrorCode.UNKNOWN_PROVIDER, f"No provider takes {method!r} payments.")
