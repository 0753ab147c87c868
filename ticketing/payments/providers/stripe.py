"""Card payments through Stripe: PaymentIntents with 3-D Secure, refunds, webhooks.

The card step runs in the buyer's browser with Stripe.js (card data goes from the browser
to Stripe only: PCI DSS SAQ A); our server sees a PaymentMethod id, creates the
PaymentIntent confirmed at once and, when the card asks for 3-D Secure, hands the
PaymentIntent's client secret back to the page so Stripe.js shows the bank's step.

Charges are direct charges on the reseller's connected account with the platform's fee
as ``application_fee_amount`` (billing.processor.connect.direct_charge_terms). Every call
goes through the one configured SDK client (billing.processor.client), so without
STRIPE_SECRET_KEY it reaches localstripe on loopback; tests point it at localstripe or at a
Stripe-shaped stub, never at a patched SDK.
"""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.processor.client import as_dict, processor_errors, stripe_client
from billing.processor.connect import direct_charge_terms
from core.money import Money
from ticketing.payments.amounts import from_stripe_amount, to_stripe_amount
from ticketing.payments.errors import PaymentError, PaymentErrorCode
from ticketing.payments.providers.base import ChargeTerms, PaymentProvider, ProviderPayment, ProviderRefund

# PaymentIntent status → ours (ticketing.payments.models.Payment.Status).
STATUSES = {
    "requires_payment_method": "failed",  # declined or 3-D Secure failed: the buyer may try again
    "requires_confirmation": "processing",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",
    "succeeded": "succeeded",
    "canceled": "canceled",
}


def stripe_js_url() -> str:
    """Where the card page loads Stripe.js from: Stripe's own, or localstripe's copy without a key."""
    if settings.STRIPE_JS_URL:
        return str(settings.STRIPE_JS_URL)
    if settings.STRIPE_SECRET_KEY or not settings.STRIPE_API_BASE:
        return "https://js.stripe.com/v3/"
    return f"{settings.STRIPE_API_BASE}/js.stripe.com/v3/"


def _options(terms: ChargeTerms, idempotency_key: str = "") -> dict[str, str]:
    options: dict[str, str] = {}
    if terms.account_id:
        options["stripe_account"] = terms.account_id
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def payment_from(data: dict[str, Any]) -> ProviderPayment:
    """Our view of a PaymentIntent (a plain dict as the API returns it)."""
    error = data.get("last_payment_error") or {}
    status = STATUSES.get(str(data.get("status")), "processing")
    charge = data.get("latest_charge") or ""  # an id, or the charge itself when expanded (localstripe)
    return ProviderPayment(
        reference=str(data["id"]),
        charge_reference=str(charge.get("id") or "") if isinstance(charge, dict) else str(charge),
        status=status,
        amount=from_stripe_amount(int(data["amount"]), str(data["currency"])),
        client_secret=str(data.get("client_secret") or ""),
        failure_code=str(error.get("decline_code") or error.get("code") or "") if status == "failed" else "",
        failure_message=str(error.get("message") or "") if status == "failed" else "",
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
    )


def refund_from(data: dict[str, Any]) -> ProviderRefund:
    status = str(data.get("status") or "pending")
    return ProviderRefund(
        reference=str(data["id"]),
        status={"canceled": "failed", "requires_action": "pending"}.get(status, status),
        amount=from_stripe_amount(int(data["amount"]), str(data["currency"])),
        payment_reference=str(data.get("payment_intent") or ""),
        failure_message=str(data.get("failure_reason") or ""),
    )


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = _("Card")
    methods = ("card",)
    collected_by = "processor"
    online = True

    def available(self, *, currency: str) -> bool:
        return bool(settings.STRIPE_API_KEY) and len(currency) == 3

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
        params: dict[str, Any] = {
            "amount": to_stripe_amount(amount),
            "currency": amount.currency.lower(),
            "payment_method": payment_token,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": metadata,
        }
        options = _options(terms, idempotency_key)
        if terms.account_id and terms.application_fee is not None:
            fee_params, fee_options = direct_charge_terms(
                account_id=terms.account_id,
                application_fee=Money(
                    to_stripe_amount(terms.application_fee) if terms.application_fee.amount_minor else 0,
                    terms.application_fee.currency,
                ),
            )
            params.update(fee_params)
            options.update(fee_options)
        with processor_errors("take the card payment"):
            try:
                intent = stripe_client().v1.payment_intents.create(params, options)  # type: ignore[arg-type]
            except stripe.CardError as error:
                return self._declined(error, amount)
        return payment_from(as_dict(intent))

    def _declined(self, error: stripe.CardError, amount: Money) -> ProviderPayment:
        """A declined card: Stripe answers 402 with the error (and, on Stripe, the PaymentIntent)."""
        json_body: dict[str, Any] = error.json_body if isinstance(error.json_body, dict) else {}
        body: dict[str, Any] = json_body.get("error") or {}
        intent: dict[str, Any] = body.get("payment_intent") or {}
        return ProviderPayment(
            reference=str(intent.get("id") or ""),
            status="failed",
            amount=amount,
            failure_code=str(body.get("decline_code") or body.get("code") or error.code or "card_declined"),
            failure_message=str(error.user_message or body.get("message") or ""),
        )

    def browser_setup(self, *, terms: ChargeTerms) -> str:
        """A SetupIntent's client secret: Stripe.js confirmCardSetup turns the card into a PaymentMethod."""
        with processor_errors("prepare the card form"):
            setup = stripe_client().v1.setup_intents.create(
                {"payment_method_types": ["card"], "usage": "on_session"},  # type: ignore[arg-type]
                _options(terms),  # type: ignore[arg-type]
            )
        return str(as_dict(setup)["client_secret"])

    def retrieve_payment(self, *, reference: str, terms: ChargeTerms) -> ProviderPayment:
        with processor_errors("look up the card payment"):
            intent = stripe_client().v1.payment_intents.retrieve(reference, options=_options(terms))  # type: ignore[arg-type]
        return payment_from(as_dict(intent))

    def refund(
        self, *, payment_reference: str, amount: Money, idempotency_key: str, terms: ChargeTerms
    ) -> ProviderRefund:
        with processor_errors("refund the card payment"):
            refund = stripe_client().v1.refunds.create(
                {"payment_intent": payment_reference, "amount": to_stripe_amount(amount)},
                _options(terms, idempotency_key),  # type: ignore[arg-type]
            )
        return refund_from(as_dict(refund))

    @staticmethod
    def verified_event(*, payload: bytes, signature: str, secret: str) -> dict[str, Any]:
        """The event of a delivery whose Stripe-Signature checks out; PaymentError (400) otherwise."""
        try:
            event = stripe.Webhook.construct_event(payload.decode(), signature, secret)
        except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
            raise PaymentError(
                PaymentErrorCode.BAD_SIGNATURE, "The webhook signature is invalid.", http_status=400
            ) from None
        return as_dict(event)
