"""What a reseller's plan allows: limits and feature switches, enforced where each is used.

Limits and features are data on the plan (platform admins edit them in the console);
code asks here, never for a plan's code name. A reseller without a plan (made in the
console on custom terms) has no limits and none of the switchable features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import tenant_context

from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan
from billing.reseller import current_reseller
from tenants.models import Tenant
from tenants.selectors import custom_domain_count


class Limit(StrEnum):
    EVENTS = "events"  # events not cancelled and not yet over
    STAFF_SEATS = "staff_seats"
    CUSTOM_DOMAINS = "custom_domains"


class Feature(StrEnum):
    CUSTOM_DOMAINS = "custom_domains"
    REMOVE_PLATFORM_BRAND = "remove_platform_brand"
    API = "api"
    SEATING = "seating"
    DYNAMIC_PRICING = "dynamic_pricing"


LIMIT_LABELS = {
    Limit.EVENTS: gettext_lazy("events"),
    Limit.STAFF_SEATS: gettext_lazy("staff seats"),
    Limit.CUSTOM_DOMAINS: gettext_lazy("custom domains"),
}
FEATURE_LABELS = {
    Feature.CUSTOM_DOMAINS: gettext_lazy("Custom domains"),
    Feature.REMOVE_PLATFORM_BRAND: gettext_lazy("No platform branding"),
    Feature.API: gettext_lazy("API access"),
    Feature.SEATING: gettext_lazy("Seating plans"),
    Feature.DYNAMIC_PRICING: gettext_lazy("Dynamic pricing"),
}
# A limit that needs a feature: without the feature the plan allows none, whatever its number.
LIMIT_FEATURES = {Limit.CUSTOM_DOMAINS: Feature.CUSTOM_DOMAINS}


def plan_of(tenant: Tenant) -> Plan | None:
    return tenant.plan if tenant.plan_id is not None else None


def plan_limit(plan: Plan, limit: Limit) -> int | None:
    """A plan's limit (None: unlimited; a limit the plan does not name is 0, as is one whose
    feature the plan lacks)."""
    feature = LIMIT_FEATURES.get(limit)
    if feature is not None and not plan.allows(str(feature)):
        return 0
    value = plan.limits.get(str(limit), 0)
    return None if value is None else int(value)


def limit_of(tenant: Tenant, limit: Limit) -> int | None:
    """The reseller's limit (None: unlimited, also for a reseller on custom terms without a plan)."""
    plan = plan_of(tenant)
    return None if plan is None else plan_limit(plan, limit)


def allows(tenant: Tenant, feature: Feature) -> bool:
    plan = plan_of(tenant)
    return plan is not None and plan.allows(str(feature))


def require_feature(feature: Feature, *, tenant: Tenant | None = None) -> None:
    """Refuse (403) a use of ``feature`` that the reseller's plan does not include."""
    tenant = tenant or current_reseller()
    if not allows(tenant, feature):
        raise BillingError(
            BillingErrorCode.FEATURE_NOT_IN_PLAN,
            _("The feature “%(feature)s” is not part of your plan. Upgrade to use it.")
            % {"feature": FEATURE_LABELS[feature]},
            http_status=403,
            extra={"feature": str(feature)},
        )


def check_limit(limit: Limit, *, in_use: int, adding: int = 1, tenant: Tenant | None = None) -> None:
    """Refuse (403) adding ``adding`` more when ``in_use`` already reach the plan's limit."""
    tenant = tenant or current_reseller()
    allowed = limit_of(tenant, limit)
    if allowed is not None and in_use + adding > allowed:
        raise BillingError(
            BillingErrorCode.LIMIT_REACHED,
            _("Your plan allows %(allowed)s %(what)s; you have %(in_use)s. Upgrade to add more.")
            % {"allowed": allowed, "what": LIMIT_LABELS[limit], "in_use": in_use},
            http_status=403,
            extra={"limit": str(limit), "allowed": allowed, "in_use": in_use},
        )


# --- usage, for plan changes ------------------------------------------------------------------------

UsageCounter = Callable[[Tenant], int]
_usage_counters: dict[Limit, UsageCounter] = {
    Limit.CUSTOM_DOMAINS: custom_domain_count,  # control-plane data: routed hostnames of the reseller's own
}


def count_usage_with(limit: Limit, counter: UsageCounter) -> None:
    """The app that owns what ``limit`` counts says how to count it (from its AppConfig.ready).

    The counter runs with the reseller's schema active, so billing reads no shop table itself.
    """
    _usage_counters[limit] = counter


def usage_of(tenant: Tenant) -> dict[Limit, int]:
    """How much of each limit the reseller uses now."""
    with tenant_context(tenant):
        return {limit: counter(tenant) for limit, counter in _usage_counters.items()}


@dataclass(frozen=True)
class Overage:
    limit: Limit
    allowed: int
    in_use: int

    def __str__(self) -> str:
        return _("%(what)s: %(in_use)s in use, %(allowed)s allowed") % {
            "what": LIMIT_LABELS[self.limit],
            "in_use": self.in_use,
            "allowed": self.allowed,
        }


def overages(tenant: Tenant, plan: Plan) -> list[Overage]:
    """What the reseller uses beyond ``plan``'s limits (empty: the plan fits)."""
    found = []
    for limit, in_use in usage_of(tenant).items():
        allowed = plan_limit(plan, limit)
        if allowed is not None and in_use > allowed:
            found.append(Overage(limit=limit, allowed=allowed, in_use=in_use))
    return found


def require_usage_within(tenant: Tenant, plan: Plan) -> None:
    """Refuse (409) moving the reseller to ``plan`` while it uses more than the plan allows."""
    over = overages(tenant, plan)
    if over:
        raise BillingError(
            BillingErrorCode.OVER_PLAN_LIMITS,
            _("%(plan)s does not fit your current use: %(over)s. Reduce these first, then change the plan.")
            % {"plan": plan.name, "over": "; ".join(str(overage) for overage in over)},
            http_status=409,
            field="plan",
            extra={"over": [{"limit": str(o.limit), "allowed": o.allowed, "in_use": o.in_use} for o in over]},
        )
