"""Tax per order line in integer minor units: VAT included, sales tax added, reverse charge, rounding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticketing.orders.pricing import PricedLine, Quote
from ticketing.taxes.calculation import Rate, Taxation, line_tax


def test_vat_included_is_taken_out_of_the_price() -> None:
    tax = line_tax(11_900, 1_900, prices_include_tax=True)
    assert (tax.net_minor, tax.tax_minor, tax.gross_minor) == (10_000, 1_900, 11_900)


def test_sales_tax_is_added_on_top_of_the_price() -> None:
    tax = line_tax(10_000, 887, prices_include_tax=False)  # New York City: 8.875 % → 887 bp rounds
    assert (tax.net_minor, tax.tax_minor, tax.gross_minor) == (10_000, 887, 10_887)


def test_reduced_rate_on_a_zero_decimal_currency_rounds_to_whole_yen() -> None:
    # 1,080 yen at 8 % included: 80 yen of tax exactly; 1,000 yen at 8 % added: 80 yen.
    assert line_tax(1_080, 800, prices_include_tax=True).tax_minor == 80
    # 999 yen at 10 % included: 999 × 10 / 110 = 90.8… → 91 yen.
    assert line_tax(999, 1_000, prices_include_tax=True).tax_minor == 91


def test_three_decimal_currency_rounds_to_the_fils() -> None:
    # 12.345 KWD at 5 % added: 617.25 fils → 617 fils.
    tax = line_tax(12_345, 500, prices_include_tax=False)
    assert (tax.tax_minor, tax.gross_minor) == (617, 12_962)


def test_half_a_minor_unit_rounds_up() -> None:
    assert line_tax(10, 500, prices_include_tax=False).tax_minor == 1  # 0.5 → 1
    assert line_tax(9, 500, prices_include_tax=False).tax_minor == 0  # 0.45 → 0
    assert line_tax(21, 1_000, prices_include_tax=True).tax_minor == 2  # 1.909… → 2


def test_rounding_is_per_line_not_on_the_total() -> None:
    """Three lines of 0.10 at 5 % added: each line's 0.005 rounds up to 0.01, so the order's tax is
    0.03, where taxing the 0.30 total would give 0.02 (0.015 → 0.02): the rule is per line."""
    lines = [line_tax(10, 500, prices_include_tax=False) for _ in range(3)]
    assert sum(line.tax_minor for line in lines) == 3
    assert line_tax(30, 500, prices_include_tax=False).tax_minor == 2


def test_reverse_charge_charges_no_tax_and_the_net_price() -> None:
    included = line_tax(11_900, 1_900, prices_include_tax=True, reverse_charge=True)
    assert (included.rate_bp, included.net_minor, included.tax_minor) == (0, 10_000, 0)
    added = line_tax(10_000, 2_000, prices_include_tax=False, reverse_charge=True)
    assert (added.net_minor, added.tax_minor, added.gross_minor) == (10_000, 0, 10_000)


@pytest.mark.parametrize(("amount", "rate"), [(-1, 1_900), (100, -1), (100, 10_001)])
def test_negative_amounts_and_impossible_rates_are_refused(amount: int, rate: int) -> None:
    with pytest.raises(ValueError):
        line_tax(amount, rate, prices_include_tax=True)


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    rate=st.integers(min_value=0, max_value=10_000),
    included=st.booleans(),
    reverse=st.booleans(),
)
def test_net_plus_tax_is_always_what_the_buyer_pays(
    amount: int, rate: int, included: bool, reverse: bool
) -> None:
    tax = line_tax(amount, rate, prices_include_tax=included, reverse_charge=reverse)
    assert tax.net_minor >= 0 and tax.tax_minor >= 0
    assert tax.gross_minor == tax.net_minor + tax.tax_minor
    if reverse:
        assert tax.tax_minor == 0
    elif included:
        assert tax.gross_minor == amount
        # within half a minor unit of the exact included tax
        assert abs(tax.tax_minor * (10_000 + rate) - amount * rate) * 2 <= 10_000 + rate
    else:
        assert tax.net_minor == amount
        assert abs(tax.tax_minor * 10_000 - amount * rate) * 2 <= 10_000


@given(
    lines=st.lists(
        st.tuples(st.integers(0, 10**7), st.integers(1, 20), st.integers(0, 100)), min_size=1, max_size=8
    ),
    rate=st.integers(min_value=0, max_value=2_500),
    included=st.booleans(),
    reverse=st.booleans(),
)
def test_a_quotes_lines_and_totals_always_add_up(
    lines: list[tuple[int, int, int]], rate: int, included: bool, reverse: bool
) -> None:
    """Whatever the prices, quantities, discounts and rate: the order's tax is its lines' tax,
    what the buyer pays is net plus tax, and VAT-included prices are what the buyer pays."""
    priced = Quote(
        currency="EUR",
        lines=[
            PricedLine(
                stock_id=index,
                description=f"Line {index}",
                quantity=quantity,
                unit_price_minor=unit,
                discount_minor=min(unit * quantity, unit * quantity * off // 100),
            )
            for index, (unit, quantity, off) in enumerate(lines)
        ],
    )
    taxation = Taxation(
        jurisdiction="DE", rates={"standard": Rate(rate)}, prices_include_tax=included, reverse_charge=reverse
    )
    priced.apply_taxes(taxation)
    assert priced.tax_minor == sum(line.tax_minor for line in priced.lines)
    assert (
        priced.total_minor
        == priced.net_minor + priced.tax_minor
        == sum(line.payable_minor for line in priced.lines)
    )
    price = priced.subtotal_minor - priced.discount_minor
    if reverse:
        assert priced.tax_minor == 0 and priced.total_minor <= price
    elif included:
        assert priced.total_minor == price
    else:
        assert priced.net_minor == price and priced.total_minor >= price
