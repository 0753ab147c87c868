"""Reading plans for the marketing page, the sign-up form and the console."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from billing import entitlements
from billing.entitlements import FEATURE_LABELS, LIMIT_LABELS, Feature, Limit
from billing.models import FeeRule, Plan, Subscription
from core.money import Money
from tenants.models import Tenant


@dataclass(frozen=True)
class PlanOffer:
    """A plan as the marketing page shows it."""

    plan: Plan
    monthly_fee: Money
    fees: list[str]
    limits: list[str]
    features: list[str]


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True).order_by("position", "monthly_fee_minor", "code")


def describe_fee(rule: FeeRule) -> str:
    percent = f"{rule.percent_bp / 100:g} %"
    if rule.fixed_minor:
        return _("%(percent)s + %(fixed)s per item sold in %(currency)s") % {
            "percent": percent,
            "fixed": Money(rule.fixed_minor, rule.currency),
            "currency": rule.currency,
        }
    if rule.currency:
        return _("%(percent)s of sales in %(currency)s") % {"percent": percent, "currency": rule.currency}
    return _("%(percent)s of sales") % {"percent": percent}


def plan_offers() -> list[PlanOffer]:
    offers = []
    for plan in public_plans().prefetch_related("fee_rules"):
        rules = sorted(plan.fee_rules.all(), key=lambda rule: (rule.specificity, rule.currency))
        limits = []
        for limit in Limit:
            value = plan.limits.get(limit.value, 0)
            label = LIMIT_LABELS[limit]
            limits.append(
                _("Unlimited %(things)s") % {"things": label}
                if value is None
                else _("%(count)s %(things)s") % {"count": value, "things": label}
            )
        offers.append(
            PlanOffer(
                plan=plan,
                monthly_fee=Money(plan.monthly_fee_minor, plan.currency),
                fees=[describe_fee(rule) for rule in rules if not rule.item_type and not rule.channel],
                limits=limits,
                features=[str(FEATURE_LABELS[feature]) for feature in Feature if plan.allows(feature.value)],
            )
        )
    return offers


@dataclass(frozen=True)
class LimitUse:
    label: str
    in_use: int
    allowed: int | None  # None: unlimited

    @property
    def over(self) -> bool:
        return self.allowed is not None and self.in_use > self.allowed


@dataclass(frozen=True)
class PlanChoice:
    """Another plan as the reseller's plan page offers it, with what would not fit."""

    plan: Plan
    monthly_fee: Money
    over: list[str]


def plan_usage(*, tenant: Tenant, plan: Plan | None) -> list[LimitUse]:
    """What the reseller uses of each limit, against ``plan``'s limits (no plan: unlimited)."""
    usage = entitlements.usage_of(tenant)
    return [
        LimitUse(
            label=str(LIMIT_LABELS[limit]),
            in_use=usage.get(limit, 0),
            allowed=None if plan is None else entitlements.plan_limit(plan, limit),
        )
        for limit in Limit
        if limit in usage
    ]


def plan_choices(*, tenant: Tenant) -> list[PlanChoice]:
    """The public plans other than the reseller's, each with the excess that would refuse it."""
    return [
        PlanChoice(
            plan=plan,
            monthly_fee=Money(plan.monthly_fee_minor, plan.currency),
            over=[str(overage) for overage in entitlements.overages(tenant, plan)],
        )
        for plan in public_plans().exclude(pk=tenant.plan_id)
    ]


def subscription_of(*, tenant: Tenant) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(tenant=tenant).first()
