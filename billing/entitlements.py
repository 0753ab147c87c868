"""What a reseller's plan allows: limits and feature switches, enforced where each is used.

Limits and features are data on the plan (platform admins edit them in the console);
code asks here, never for a plan's code name. A reseller without a plan (made in the
console on custom terms) has no limits and none of the switchable features.
"""

from __future__ import annotations

from enum import StrEnum

from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan
from billing.reseller import current_reseller
from tenants.models import Tenant


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
    Limit.EVENTS: "events",
    Limit.STAFF_SEATS: "staff seats",
    Limit.CUSTOM_DOMAINS: "custom domains",
}
FEATURE_LABELS = {
    Feature.CUSTOM_DOMAINS: "Custom domains",
    Feature.REMOVE_PLATFORM_BRAND: "No platform branding",
    Feature.API: "API access",
    Feature.SEATING: "Seating plans",
    Feature.DYNAMIC_PRICING: "Dynamic pricing",
}


def plan_of(tenant: Tenant) -> Plan | None:
    return tenant.plan if tenant.plan_id is not None else None


def limit_of(tenant: Tenant, limit: Limit) -> int | None:
    """The plan's limit (None: unlimited; a limit the plan does not name is 0)."""
    plan = plan_of(tenant)
    if plan is None:
        return None
    value = plan.limits.get(str(limit), 0)
    return None if value is None else int(value)


def allows(tenant: Tenant, feature: Feature) -> bool:
    plan = plan_of(tenant)
    return plan is not None and plan.allows(str(feature))


def require_feature(feature: Feature, *, tenant: Tenant | None = None) -> None:
    """Refuse (403) a use of ``feature`` that the reseller's plan does not include."""
    tenant = tenant or current_reseller()
    if not allows(tenant, feature):
        raise BillingError(
            BillingErrorCode.FEATURE_NOT_IN_PLAN,
            f"{FEATURE_LABELS[feature]} is not part of your plan. Upgrade to use it.",
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
            f"Your plan allows {allowed} {LIMIT_LABELS[limit]}; you have {in_use}. Upgrade to add more.",
            http_status=403,
            extra={"limit": str(limit), "allowed": allowed, "in_use": in_use},
        )
