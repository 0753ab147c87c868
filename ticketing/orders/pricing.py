"""What a selection costs. Prices come from the catalog, never from the buyer's form.

Pure computation over a checked selection and the discounts read for its event (one
query, ticketing.discounts.selectors.discounts_for): integer minor units only, never a
float, every discount written onto the order line it lowers, so that lines, order and
refunds always add up to the cent.

How discounts combine (no two ever stack on one ticket):

1. Packages first. Each package that lowers the price (the buyer's code first, then the
   biggest saving per bundle) takes as many whole bundles as the remaining selection
   holds; those tickets cost the package price and get nothing else.
2. Then each ticket line, on its tickets outside packages, gets the single best of the
   per-ticket rules that reach it: percentage off, fixed amount off each ticket, or a
   group percentage when the order holds enough of the group's ticket types (counted
   outside packages). On a tie the buyer's code wins, then the older rule.
3. Add-ons are never discounted. A line never goes below zero.
4. A promo code the buyer entered must reach the selection (one of its ticket types, its
   group size, or one whole bundle of its package); otherwise the order is refused with
   "does not apply", rather than silently sold without it.

Rounding, stated once:

- Percentages apply per order line to the line's price (unit price × quantity) and are
  rounded half up to the minor unit: ``(gross × basis points + 5,000) // 10,000``.
- A fixed amount comes off each ticket, at most the ticket's price.
- A package's saving is shared out over its lines in proportion to their price, by the
  largest remainder (ties to the earlier line), so the shares add up exactly.
- Refunds give back a line's discounted total shared evenly over its units
  (OrderLine.unit_refund_minor), so a refunded ticket never returns more than it cost.

Currencies and taxes:

- Prices are the catalog's explicit prices in the order's one currency (the buyer's
  region's; TicketTypePrice / AddOnPrice rows, no exchange rates). Fixed-amount codes and
  packages apply only in their own currency; percentages in any.
- Tax is worked out last, per line, on the line's price after discounts, rounded half up to
  the minor unit (ticketing.taxes.calculation states the rule); the order's tax is the sum of
  its lines'. ``Quote.total_minor`` is what the buyer pays: the prices where they include
  the tax (VAT), the prices plus tax where it is added on top (sales tax).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from branding.selectors import translated_text
from ticketing.catalog.models import AddOn, TicketType
from ticketing.discounts.errors import DiscountError, DiscountErrorCode
from ticketing.discounts.models import Discount
from ticketing.discounts.selectors import NO_DISCOUNTS, DiscountRule, EventDiscounts
from ticketing.inventory.services import CheckedSelection, not_offered
from ticketing.taxes.calculation import NO_TAX, Taxation, line_tax


@dataclass
class PricedLine:
    stock_id: int
    description: str
    quantity: int
    unit_price_minor: int
    ticket_type: TicketType | None = None
    addon: AddOn | None = None
    discount_minor: int = 0
    tax_rate_bp: int = 0
    net_minor: int = 0
    tax_minor: int = 0

    @property
    def gross_minor(self) -> int:
        """Catalog price of the line (before discounts)."""
        return self.unit_price_minor * self.quantity

    @property
    def total_minor(self) -> int:
        """Price after discounts (tax included where prices include it)."""
        return self.gross_minor - self.discount_minor

    @property
    def payable_minor(self) -> int:
        """What the buyer pays for the line: net plus tax."""
        return self.net_minor + self.tax_minor

    @property
    def tax_category(self) -> str:
        item = self.ticket_type or self.addon
        return item.tax_category if item is not None else "standard"


@dataclass
class Quote:
    currency: str
    lines: list[PricedLine]
    discount_labels: list[str] = field(default_factory=list)
    promo_code_id: int | None = None
    promo_code: str = ""
    taxation: Taxation = NO_TAX

    @property
    def subtotal_minor(self) -> int:
        return sum(line.gross_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        return sum(line.discount_minor for line in self.lines)

    @property
    def net_minor(self) -> int:
        return sum(line.net_minor for line in self.lines)

    @property
    def tax_minor(self) -> int:
        return sum(line.tax_minor for line in self.lines)

    @property
    def total_minor(self) -> int:
        """What the buyer pays, tax included."""
        return self.net_minor + self.tax_minor

    def apply_taxes(self, taxation: Taxation) -> Quote:
        """Work out each line's net and tax under ``taxation`` (per line, rounded half up)."""
        self.taxation = taxation
        for line in self.lines:
            rate = taxation.rate_for(line.tax_category).rate_bp
            tax = line_tax(
                line.total_minor,
                rate,
                prices_include_tax=taxation.prices_include_tax,
                reverse_charge=taxation.reverse_charge,
            )
            line.tax_rate_bp, line.net_minor, line.tax_minor = tax.rate_bp, tax.net_minor, tax.tax_minor
        return self

    @property
    def ticket_count(self) -> int:
        return sum(line.quantity for line in self.lines if line.ticket_type is not None)


def base_quote(checked: CheckedSelection, *, currency: str) -> Quote:
    """Catalog prices in ``currency`` for a checked selection, before any discount or tax."""
    if checked.offer.currency and checked.offer.currency != currency:
        raise ValueError(f"The offer is priced in {checked.offer.currency}, not {currency}.")
    lines = []
    for ticket_offer, quantity in checked.tickets:
        if ticket_offer.price_minor is None:
            raise not_offered(
                ticket_offer.ticket_type.name, currency, field=f"ticket_{ticket_offer.ticket_type.pk}"
            )
        lines.append(
            PricedLine(
                stock_id=ticket_offer.stock_id,
                description=ticket_offer.ticket_type.name,
                quantity=quantity,
                unit_price_minor=ticket_offer.price_minor,
                ticket_type=ticket_offer.ticket_type,
            )
        )
    for addon_offer, quantity in checked.addons:
        if addon_offer.price_minor is None:
            raise not_offered(addon_offer.addon.name, currency, field=f"addon_{addon_offer.addon.pk}")
        lines.append(
            PricedLine(
                stock_id=addon_offer.stock_id,
                description=addon_offer.addon.name,
                quantity=quantity,
                unit_price_minor=addon_offer.price_minor,
                addon=addon_offer.addon,
            )
        )
    return Quote(currency=currency, lines=lines)


def quote(
    checked: CheckedSelection,
    *,
    currency: str,
    discounts: EventDiscounts = NO_DISCOUNTS,
    now: datetime | None = None,
    taxation: Taxation = NO_TAX,
) -> Quote:
    """The price of a checked selection with every discount that applies, then its taxes.

    Raises DiscountError when the buyer's code cannot be used (unknown, not yet valid,
    expired, used up, or not applicable to this selection); nothing is priced then.
    """
    return _discounted(checked, currency=currency, discounts=discounts, now=now).apply_taxes(taxation)


def _in_currency(rule: DiscountRule, currency: str) -> bool:
    """Percentages apply in any currency; fixed amounts and package prices only in their own."""
    return rule.kind in (Discount.Kind.PERCENT, Discount.Kind.GROUP) or rule.currency == currency


def _discounted(
    checked: CheckedSelection, *, currency: str, discounts: EventDiscounts, now: datetime | None
) -> Quote:
    priced = base_quote(checked, currency=currency)
    promo = discounts.usable_promo(event_id=checked.offer.event.pk, now=now)
    if promo is not None and not _in_currency(promo, currency):
        raise DiscountError(
            DiscountErrorCode.CODE_NOT_APPLICABLE,
            _("The code “%(code)s” is for prices in %(currency)s.")
            % {"code": promo.code, "currency": promo.currency},
            field="promo_code",
        )
    rules = [rule for rule in discounts.automatic if _in_currency(rule, currency)]
    if promo is not None:
        rules.insert(0, promo)  # first: the buyer's code wins ties
    if not rules:
        return priced
    lines = {line.ticket_type.pk: line for line in priced.lines if line.ticket_type is not None}
    remaining = {ticket_type_id: line.quantity for ticket_type_id, line in lines.items()}
    saved: Counter[int] = Counter()
    bundles = _apply_packages(lines, remaining, rules, saved)
    reach = _apply_per_ticket_rules(lines, remaining, rules, saved)
    if promo is not None:
        if not (bundles[promo.id] if promo.kind == Discount.Kind.PACKAGE else reach[promo.id]):
            raise _not_applicable(promo, checked)
        priced.promo_code_id = promo.id
        priced.promo_code = promo.code
    priced.discount_labels = [rule.name for rule in rules if saved[rule.id] > 0]
    return priced


def _apply_packages(
    lines: dict[int, PricedLine], remaining: dict[int, int], rules: list[DiscountRule], saved: Counter[int]
) -> Counter[int]:
    """Price whole bundles at their package price; returns the bundles each package took."""
    bundles: Counter[int] = Counter()
    candidates = []
    for position, rule in enumerate(rules):
        if rule.kind != Discount.Kind.PACKAGE or not rule.package:
            continue
        if any(ticket_type_id not in lines for ticket_type_id, _ in rule.package):
            continue
        value = sum(lines[ticket_type_id].unit_price_minor * per for ticket_type_id, per in rule.package)
        saving = value - rule.amount_minor
        if saving > 0:
            candidates.append((position != 0 or not rule.code, -saving, rule.id, rule, saving))
    for *_ordering, rule, saving in sorted(candidates, key=lambda candidate: candidate[:3]):
        count = min(remaining[ticket_type_id] // per for ticket_type_id, per in rule.package)
        if count == 0:
            continue
        for ticket_type_id, per in rule.package:
            remaining[ticket_type_id] -= per * count
        weights = [lines[ticket_type_id].unit_price_minor * per for ticket_type_id, per in rule.package]
        shares = share_out(saving * count, weights)
        for (ticket_type_id, _per), share in zip(rule.package, shares, strict=True):
            lines[ticket_type_id].discount_minor += share
        bundles[rule.id] += count
        saved[rule.id] += saving * count
    return bundles


def _apply_per_ticket_rules(
    lines: dict[int, PricedLine], remaining: dict[int, int], rules: list[DiscountRule], saved: Counter[int]
) -> Counter[int]:
    """The best single rule for each line's tickets outside packages; returns the lines each rule reached."""
    per_ticket = [rule for rule in rules if rule.kind != Discount.Kind.PACKAGE]
    reached: Counter[int] = Counter()
    for rule in per_ticket:
        covered = [ticket_type_id for ticket_type_id in lines if rule.covers(ticket_type_id)]
        if rule.kind == Discount.Kind.GROUP:
            if sum(remaining[ticket_type_id] for ticket_type_id in covered) >= rule.min_tickets:
                reached[rule.id] = len(covered)
        else:
            reached[rule.id] = sum(1 for ticket_type_id in covered if remaining[ticket_type_id])
    for ticket_type_id, line in lines.items():
        units = remaining[ticket_type_id]
        if units == 0:
            continue
        best_rule, best = None, 0
        for rule in per_ticket:  # in order: the buyer's code first, then the older rules
            if reached[rule.id] and rule.covers(ticket_type_id):
                value = per_ticket_discount(rule, line.unit_price_minor, units)
                if value > best:
                    best_rule, best = rule, value
        if best_rule is not None:
            line.discount_minor += best
            saved[best_rule.id] += best
    return reached


def per_ticket_discount(rule: DiscountRule, unit_price_minor: int, units: int) -> int:
    """What ``rule`` takes off ``units`` tickets at ``unit_price_minor`` (percentages rounded half up)."""
    if rule.kind == Discount.Kind.AMOUNT:
        return min(rule.amount_minor, unit_price_minor) * units
    return (unit_price_minor * units * rule.percent_bp + 5_000) // 10_000


def share_out(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights``, exactly: largest remainder first, ties to the earlier."""
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("Shares need positive weights.")
    exact = [total * weight for weight in weights]
    shares = [part // whole for part in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: (-(exact[index] % whole), index))
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _not_applicable(promo: DiscountRule, checked: CheckedSelection) -> DiscountError:
    offers = checked.offer.ticket_types
    if promo.kind == Discount.Kind.PACKAGE:
        contents = ", ".join(
            f"{per} × {translated_text(offers[ticket_type_id].ticket_type, 'name')}"
            for ticket_type_id, per in promo.package
            if ticket_type_id in offers
        )
        message = _("The code “%(code)s” is for a package of %(contents)s: choose at least that.") % {
            "code": promo.code,
            "contents": contents,
        }
    elif promo.kind == Discount.Kind.GROUP:
        message = _("The code “%(code)s” applies from %(minimum)s tickets.") % {
            "code": promo.code,
            "minimum": promo.min_tickets,
        }
    elif promo.ticket_type_ids:
        names = ", ".join(
            translated_text(offer.ticket_type, "name")
            for ticket_type_id, offer in offers.items()
            if promo.covers(ticket_type_id)
        )
        message = _("The code “%(code)s” applies only to: %(names)s.") % {"code": promo.code, "names": names}
    else:
        message = _("The code “%(code)s” does not apply to the tickets you chose.") % {"code": promo.code}
    return DiscountError(DiscountErrorCode.CODE_NOT_APPLICABLE, message, field="promo_code")
