"""Our minor units ↔ the amounts Stripe's API takes, per currency.

Our amounts are in each currency's ISO 4217 / CLDR minor units (core.money: USD 2, JPY 0,
KWD 3). Stripe mostly agrees, with exceptions it documents under "Supported currencies":

- zero-decimal currencies (JPY, KRW, CLP, VND, XOF, …) are sent as whole units;
- three-decimal currencies (BHD, JOD, KWD, OMR, TND) are sent in thousandths, but the last
  digit must be 0 for card payments: 5.124 KWD cannot be charged, 5.120 can;
- ISK is zero-decimal for us but stays two-decimal in Stripe's API, in multiples of 100.

A price Stripe cannot charge exactly is refused here with a clear error, never rounded:
rounding would charge something other than the order's total.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.money import Money, currency_exponent
from ticketing.payments.errors import PaymentError, PaymentErrorCode

ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Sent with two decimals for backwards compatibility, in whole units only.
TWO_DECIMAL_WHOLE_UNITS = frozenset({"ISK"})


def stripe_exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def _known(currency: str) -> int:
    try:
        return currency_exponent(currency)
    except Exception:  # Babel raises for codes it does not know
        raise PaymentError(
            PaymentErrorCode.UNSUPPORTED_CURRENCY,
            _("Card payments are not available in %(currency)s.") % {"currency": currency},
        ) from None


def to_stripe_amount(money: Money) -> int:
    """The ``amount`` Stripe takes for ``money``; PaymentError when Stripe cannot charge it exactly."""
    ours = _known(money.currency)
    theirs = stripe_exponent(money.currency)
    if money.amount_minor <= 0:
        raise PaymentError(PaymentErrorCode.INVALID_AMOUNT, _("A card payment must be more than zero."))
    if theirs >= ours:
        amount = money.amount_minor * 10 ** (theirs - ours)
    else:
        factor = 10 ** (ours - theirs)
        if money.amount_minor % factor:
            raise PaymentError(
                PaymentErrorCode.INVALID_AMOUNT,
                _("%(amount)s cannot be charged by card: the card network takes whole units only.")
                % {"amount": money},
            )
        amount = money.amount_minor // factor
    if money.currency in THREE_DECIMAL and amount % 10:
        raise PaymentError(
            PaymentErrorCode.INVALID_AMOUNT,
            _("%(amount)s cannot be charged by card: the last of its three decimals must be 0.")
            % {"amount": money},
        )
    if money.currency in TWO_DECIMAL_WHOLE_UNITS and amount % 100:
        raise PaymentError(
            PaymentErrorCode.INVALID_AMOUNT,
            _("%(amount)s cannot be charged by card: the card network takes whole units only.")
            % {"amount": money},
        )
    return amount


def from_stripe_amount(amount: int, currency: str) -> Money:
    """A Stripe ``amount`` in ``currency`` (either case) as our Money."""
    currency = currency.upper()
    ours = _known(currency)
    theirs = stripe_exponent(currency)
    if ours >= theirs:
        return Money(int(amount) * 10 ** (ours - theirs), currency)
    factor = 10 ** (theirs - ours)
    if int(amount) % factor:
        raise ValueError(f"{amount} {currency} from Stripe is not a whole number of our minor units.")
    return Money(int(amount) // factor, currency)
