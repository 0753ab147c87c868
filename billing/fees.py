"""What the platform charges on a sale, from the fee rules of the reseller's plan and contract.

Pure computation in integer minor units: per sold line, the line total (after discounts)
times the rule's percentage, rounded half up, plus the rule's fixed amount per unit. Free
lines carry no fee, and a line's fee never exceeds what the buyer paid for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from billing.models import FeeRule
from core.money import Money
from tenants.models import Tenant


@dataclass(frozen=True)
class SoldItem:
    item_type: str  # FeeRule.ItemType: "ticket" or "addon"
    quantity: int
    total: Money  # the line's total after discounts


def fee_rules_for(*, tenant: Tenant) -> list[FeeRule]:
    """The reseller's contract rules and its plan's rules (fetched once per sale)."""
    rules = FeeRule.objects.filter(tenant=tenant)
    if tenant.plan_id is not None:
        rules = rules | FeeRule.objects.filter(plan_id=tenant.plan_id)
    return list(rules)


def matching_rule(rules: Iterable[FeeRule], *, item_type: str, channel: str, currency: str) -> FeeRule | None:
    """The rule for one line: contract before plan, then the most specific match."""
    candidates = [
        rule
        for rule in rules
        if rule.item_type in ("", item_type)
        and rule.channel in ("", channel)
        and rule.currency in ("", currency)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rule: (rule.tenant_id is not None, rule.specificity))


def line_fee(rule: FeeRule | None, item: SoldItem) -> Money:
    if rule is None or item.total.amount_minor <= 0:
        return Money.zero(item.total.currency)
    fee = item.total.percent(rule.percent_bp) + Money(rule.fixed_minor, item.total.currency) * item.quantity
    return fee.min(item.total)


def platform_fee(
    *, rules: Sequence[FeeRule], items: Sequence[SoldItem], channel: str, currency: str
) -> Money:
    """The platform's fee on a sale of ``items``, all in ``currency``."""
    total = Money.zero(currency)
    for item in items:
        if item.total.currency != currency:
            raise ValueError(f"A {item.total.currency} line in a {currency} sale.")
        rule = matching_rule(rules, item_type=item.item_type, channel=channel, currency=currency)
        total += line_fee(rule, item)
    return total
