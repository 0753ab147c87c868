from enum import StrEnum

from core.errors import DomainError


class BillingErrorCode(StrEnum):
    INVALID_PLAN = "invalid_plan"
    NEGATIVE_FEE = "negative_fee"
    INVALID_FEE_RULE = "invalid_fee_rule"
    PLAN_CODE_TAKEN = "plan_code_taken"
    UNKNOWN_PLAN = "plan_unknown"
    FEATURE_NOT_IN_PLAN = "feature_not_in_plan"
    LIMIT_REACHED = "plan_limit_reached"
    OVER_PLAN_LIMITS = "usage_over_plan_limits"
    NO_SUBSCRIPTION = "no_subscription"
    SAME_PLAN = "same_plan"
    SUBSCRIPTION_CANCELED = "subscription_canceled"


class BillingError(DomainError):
    pass
