"""Our minor units and Stripe's amounts: zero-decimal (JPY), three-decimal (KWD) and ISK."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.money import Money
from ticketing.payments.amounts import from_stripe_amount, to_stripe_amount
from ticketing.payments.errors import PaymentErrorCode
from ticketing.payments.models import Payment
from ticketing.payments.services import pay_by_card

from .conftest import VISA, intents_at, place_card_order


@pytest.mark.parametrize(
    ("money", "stripe_amount"),
    [
        (Money(1250, "USD"), 1250),  # $12.50 in cents
        (Money(1500, "JPY"), 1500),  # ¥1,500: yen have no minor unit, for us and for Stripe
        (Money(5120, "KWD"), 5120),  # 5.120 KWD in fils, three decimals at Stripe too
        (Money(40, "ISK"), 4000),  # 40 kr: whole krónur for us, two decimals at Stripe
    ],
)
def test_stripe_amounts_from_our_minor_units(money: Money, stripe_amount: int) -> None:
    assert to_stripe_amount(money) == stripe_amount
    assert from_stripe_amount(stripe_amount, money.currency.lower()) == money


@pytest.mark.parametrize("money", [Money(5124, "KWD"), Money(1, "BHD"), Money(0, "USD")])
def test_amounts_stripe_cannot_charge_exactly_are_refused_not_rounded(money: Money) -> None:
    with pytest.raises(DomainError) as refused:
        to_stripe_amount(money)
    assert refused.value.code == PaymentErrorCode.INVALID_AMOUNT


@given(
    currency=st.sampled_from(["USD", "EUR", "JPY", "KRW", "KWD", "BHD", "ISK", "CLP"]),
    amount=st.integers(min_value=1, max_value=10**9),
)
def test_every_chargeable_amount_comes_back_unchanged(currency: str, amount: int) -> None:
    money = Money(amount * (10 if currency in ("KWD", "BHD") else 1), currency)
    assert from_stripe_amount(to_stripe_amount(money), currency) == money


@pytest.fixture
def selling_in(in_acme):
    """acme's schema, its shop selling in another currency for this test (the row is not changed)."""

    def switch(currency: str) -> None:
        in_acme.default_currency = currency  # the tenant the connection holds, as a shop in that currency

    original = in_acme.default_currency
    yield switch
    in_acme.default_currency = original


def test_a_yen_order_is_charged_in_whole_yen(
    selling_in, card: Callable[[str], str], localstripe: str
) -> None:
    selling_in("JPY")
    order = place_card_order(price_minor=1500, quantity=3, currency="JPY")
    payment = pay_by_card(order=order, payment_method_id=card(VISA))
    [intent] = [i for i in intents_at(localstripe) if i["id"] == payment.provider_reference]
    assert (intent["amount"], intent["currency"], payment.status) == (4500, "jpy", Payment.Status.SUCCEEDED)


def test_a_dinar_order_is_charged_in_fils(selling_in, card: Callable[[str], str], localstripe: str) -> None:
    selling_in("KWD")
    order = place_card_order(price_minor=12_340, quantity=1, currency="KWD")  # 12.340 KWD
    payment = pay_by_card(order=order, payment_method_id=card(VISA))
    [intent] = [i for i in intents_at(localstripe) if i["id"] == payment.provider_reference]
    assert (intent["amount"], intent["currency"]) == (12_340, "kwd")


def test_a_dinar_total_stripe_cannot_take_is_refused_before_anything_is_written(
    selling_in, card: Callable[[str], str], localstripe: str
) -> None:
    selling_in("KWD")
    order = place_card_order(price_minor=12_345, quantity=1, currency="KWD")
    with pytest.raises(DomainError) as refused:
        pay_by_card(order=order, payment_method_id=card(VISA))
    assert refused.value.code == PaymentErrorCode.INVALID_AMOUNT
    assert not Payment.objects.filter(order=order).exists()
