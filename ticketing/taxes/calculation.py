"""Tax on order lines: pure integer arithmetic on minor units, never a float.

Rounding, stated once: tax is worked out per order line, on the line's amount after its
discounts (unit price × quantity - discount), and rounded half up to the currency's minor
unit (a cent, a yen, a fils); the order's tax is the sum of its lines' taxes, never
recomputed from the order's total. So lines and order always add up exactly, and a
line's tax is what its invoice line shows.

- Prices include the tax (VAT): tax = amount × rate / (100 % + rate), rounded half up;
  the buyer pays the amount; net = amount - tax.
- Tax added on top (sales tax): tax = amount × rate, rounded half up; net = amount; the
  buyer pays net + tax.
- Reverse charge (an EU business buyer from another member state with a VAT ID): no tax
  is charged and the buyer pays the net price: the amount less its included VAT where prices
  include it (worked out as above), the amount itself where tax is added on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

BASIS = 10_000  # basis points in 100 %


@dataclass(frozen=True)
class Rate:
    rate_bp: int
    name: str = "VAT"


@dataclass(frozen=True)
class Taxation:
    """The tax rules an order is priced under: one jurisdiction, one way of showing prices."""

    jurisdiction: str = ""
    rates: Mapping[str, Rate] = field(default_factory=dict)  # by tax category
    prices_include_tax: bool = True
    reverse_charge: bool = False
    vat_id: str = ""

    def rate_for(self, category: str) -> Rate:
        return self.rates.get(category, Rate(0, ""))


NO_TAX = Taxation()


@dataclass(frozen=True)
class LineTax:
    rate_bp: int
    net_minor: int
    tax_minor: int

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax_minor


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def line_tax(
    amount_minor: int, rate_bp: int, *, prices_include_tax: bool, reverse_charge: bool = False
) -> LineTax:
    """Net and tax of one order line whose price after discounts is ``amount_minor``."""
    if amount_minor < 0 or not 0 <= rate_bp <= BASIS:
        raise ValueError("Line amounts and rates are not negative; rates are at most 100 %.")
    if prices_include_tax:
        included = _half_up(amount_minor * rate_bp, BASIS + rate_bp)
        if reverse_charge:
            return LineTax(rate_bp=0, net_minor=amount_minor - included, tax_minor=0)
        return LineTax(rate_bp=rate_bp, net_minor=amount_minor - included, tax_minor=included)
    if reverse_charge:
        return LineTax(rate_bp=0, net_minor=amount_minor, tax_minor=0)
    return LineTax(rate_bp=rate_bp, net_minor=amount_minor, tax_minor=_half_up(amount_minor * rate_bp, BASIS))
