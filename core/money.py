"""Money as integer minor units and a currency: the one value type for prices and totals.

Never a float: amounts are whole cents (or the currency's smallest unit) and arithmetic
stays in integers. Percentages are applied with an explicit rounding rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, overload

from babel.numbers import format_currency, format_percent, get_currency_precision, is_currency

from core.localization import current_locale


def currency_exponent(currency: str) -> int:
    """Digits after the decimal point (EUR 2, JPY 0, KWD 3), from Babel's CLDR data."""
    return int(get_currency_precision(currency))


def known_currency(code: str) -> str:
    """``code`` when it is an ISO 4217 currency CLDR knows (upper case); raises ValueError otherwise."""
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
        raise ValueError(f"Not an ISO 4217 currency code: {code!r}")
    if not is_currency(code):
        raise ValueError(f"Unknown currency: {code}")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("Money amounts are integers in minor units.")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"Not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"Cannot combine {self.currency} with {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int):
            raise TypeError("Money is multiplied by whole quantities only.")
        return Money(self.amount_minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount_minor <= other.amount_minor

    def percent(self, basis_points: int) -> Money:
        """This amount times basis_points / 10,000, rounded half up (1,000 bp = 10 %)."""
        return Money((self.amount_minor * basis_points + 5_000) // 10_000, self.currency)

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def format(self, locale: str | None = None) -> str:
        """In the currency's own CLDR format for ``locale`` (the active language when None):
        "1.234,50 €" in German, "$1,234.50" in English."""
        locale = locale or current_locale()
        exponent = currency_exponent(self.currency)
        # Babel takes a Decimal-like string; build it from integers, never through float.
        sign = "-" if self.amount_minor < 0 else ""
        units, minor = divmod(abs(self.amount_minor), 10**exponent)
        text = f"{sign}{units}.{minor:0{exponent}d}" if exponent else f"{sign}{units}"
        return str(format_currency(Decimal(text), self.currency, locale=locale))

    def __str__(self) -> str:
        return self.format()


def parse_major(text: str, currency: str) -> Money:
    """'12.50' EUR → Money(1250, 'EUR'), exactly; raises ValueError on anything else."""
    exponent = currency_exponent(currency)
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"Not an amount: {text!r}") from None
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value() or not value.is_finite():
        raise ValueError(f"{text} has more than {exponent} decimals for {currency}.")
    return Money(int(scaled), currency)


def format_rate(basis_points: int, locale: str | None = None) -> str:
    """A rate in basis points as the locale writes percentages: 1,900 → "19%" (en), "19 %" (de)."""
    return str(format_percent(Decimal(basis_points) / 10_000, "#,##0.##%", locale=locale or current_locale()))


class MoneyAttribute:
    """A model's amount in minor units read as Money in the row's currency.

    ``total = MoneyAttribute("total_minor")`` stands for a read-only property returning
    ``Money(self.total_minor, self.currency)``.
    """

    def __init__(self, minor_field: str, currency_field: str = "currency") -> None:
        self.minor_field = minor_field
        self.currency_field = currency_field

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> MoneyAttribute: ...

    @overload
    def __get__(self, instance: object, owner: type[Any]) -> Money: ...

    def __get__(self, instance: object | None, owner: type[Any]) -> Money | MoneyAttribute:
        if instance is None:
            return self
        return Money(getattr(instance, self.minor_field), getattr(instance, self.currency_field))
