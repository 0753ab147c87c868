"""Field types shared by the API's serializers: money as {"amount": "12.50", "currency": "EUR"}."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import Money, currency_exponent, parse_major


def money_data(money: Money) -> dict[str, str]:
    """The amount as a decimal string at the currency's exponent ("12.50" EUR, "1250" JPY)."""
    exponent = currency_exponent(money.currency)
    sign = "-" if money.amount_minor < 0 else ""
    units, minor = divmod(abs(money.amount_minor), 10**exponent)
    amount = f"{sign}{units}.{minor:0{exponent}d}" if exponent else f"{sign}{units}"
    return {"amount": amount, "currency": money.currency}


class MoneySchema(serializers.Serializer):
    amount = serializers.CharField(help_text="Decimal string at the currency's exponent, e.g. “12.50”.")
    currency = serializers.CharField(help_text="ISO 4217 code.", min_length=3, max_length=3)


@extend_schema_field(MoneySchema)
class MoneyField(serializers.Field):
    """Reads a Money attribute; on input takes {"amount": "12.50", "currency": "EUR"} exactly."""

    default_error_messages = {
        "invalid": 'Give money as {{"amount": "12.50", "currency": "EUR"}}.',
        "precision": "{amount} has more decimals than {currency} allows.",
    }

    def to_representation(self, value: Money) -> dict[str, str]:
        return money_data(value)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, dict) or not isinstance(data.get("amount"), str):
            self.fail("invalid")
        currency = data.get("currency")
        if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
            self.fail("invalid")
        currency = currency.upper()
        try:
            Decimal(data["amount"])
            currency_exponent(currency)
        except (InvalidOperation, ValueError, KeyError):
            self.fail("invalid")
        try:
            money = parse_major(data["amount"], currency)
        except (ValueError, TypeError):
            self.fail("precision", amount=data["amount"], currency=currency)
        if money.amount_minor < 0:
            self.fail("invalid")
        return money


@extend_schema_field(MoneySchema)
class AmountField(serializers.Field):
    """Money read from an integer minor-units attribute and a currency attribute (dotted paths)."""

    def __init__(self, minor: str, currency: str = "currency", **kwargs: Any) -> None:
        self.minor_path = minor
        self.currency_path = currency
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str]:
        return money_data(Money(_resolve(value, self.minor_path), _resolve(value, self.currency_path)))


def _resolve(instance: Any, path: str) -> Any:
    for name in path.split("."):
        instance = getattr(instance, name)
    return instance
