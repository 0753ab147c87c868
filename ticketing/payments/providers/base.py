"""The contract every payment provider module fulfils.

A provider is one module under ``ticketing/payments/providers/`` holding one class that
subclasses ``PaymentProvider`` and is listed in ``providers/__init__.py``'s registry by its
``name``. Adding PayPal, Square, a buy-now-pay-later or a crypto processor is one new module:

- ``name`` (stored on payments and refunds, never renamed), ``methods`` (the order payment
  methods it serves, e.g. ``("card",)``), ``collected_by`` (``processor``: the money lands in
  the reseller's account at the provider; ``reseller``: the reseller takes it itself, cash or
  transfer) and ``online`` (the buyer pays on our pages, vs. staff record the payment).
- ``available(currency=...)``: whether it can take money in this currency here and now
  (configured, account able to charge, currency supported).
- ``create_payment(...)``: online providers start and confirm a payment with the token the
  buyer's browser obtained from the provider's own script (never card data: SAQ A), passing
  our ``idempotency_key`` so a retried call charges once, and ``metadata`` naming the shop so
  webhooks find it. Returns a ``ProviderPayment`` (reference, status, client secret for a
  browser step such as 3-D Secure). A refused payment is a ``ProviderPayment`` with status
  ``failed`` and the provider's code and message, not an exception; an unreachable provider
  raises ``PaymentError`` (PROVIDER_UNAVAILABLE), which changes nothing.
- ``browser_setup(...)``: what the page's script needs first (Stripe: a SetupIntent secret).
- ``retrieve_payment(...)``: its state now (the browser's return page asks this).
- ``refund(...)``: give money back, with an idempotency key derived from our Refund row.
- webhooks: a provider with webhooks adds a view that verifies the delivery and hands each
  event to ``ticketing.payments.webhooks`` (see ``StripeProvider.verified_event``).

Everything a provider returns is in our Money (minor units per core.money); converting to
its own amount rules (Stripe's zero- and three-decimal currencies) is its business.
Services (ticketing.payments.services) own every database write: providers only talk to
the outside world, outside any transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from core.money import Money


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reports it, in our vocabulary (Payment.Status values)."""

    reference: str
    status: str  # requires_action, processing, pending, succeeded, failed, canceled
    amount: Money
    client_secret: str = ""
    failure_code: str = ""
    failure_message: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    # The money movement behind a succeeded payment (Stripe: the charge, ch_…), which the
    # processor's balance transactions name: the ledger books the sale under it for reconciliation.
    charge_reference: str = ""


@dataclass(frozen=True)
class ProviderRefund:
    reference: str
    status: str  # pending, succeeded, failed
    amount: Money
    payment_reference: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class ChargeTerms:
    """Where the money goes: the reseller's connected account, and the platform's fee on the charge."""

    account_id: str = ""
    application_fee: Money | None = None


class PaymentProvider(ABC):
    name: str
    label: str | Promise
    methods: tuple[str, ...]
    collected_by: str  # billing.ledger.services.CollectedBy value
    online: bool

    @abstractmethod
    def available(self, *, currency: str) -> bool: ...

    def create_payment(
        self,
        *,
        amount: Money,
        payment_token: str,
        idempotency_key: str,
        metadata: dict[str, str],
        terms: ChargeTerms,
        description: str = "",
    ) -> ProviderPayment:
        raise NotImplementedError(f"{self.name} takes no online payments.")

    def browser_setup(self, *, terms: ChargeTerms) -> str:
        """What the buyer's browser needs to collect the payment details (e.g. a client secret)."""
        raise NotImplementedError(f"{self.name} has no browser step.")

    def retrieve_payment(self, *, reference: str, terms: ChargeTerms) -> ProviderPayment:
        raise NotImplementedError(f"{self.name} has no payments to look up.")

    def refund(
        self, *, payment_reference: str, amount: Money, idempotency_key: str, terms: ChargeTerms
    ) -> ProviderRefund:
        raise NotImplementedError(f"{self.name} cannot send money back; the reseller hands it back.")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "methods": self.methods, "online": self.online}
