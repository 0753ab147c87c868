from enum import StrEnum

from core.errors import DomainError


class PayoutErrorCode(StrEnum):
    INVALID_SCHEDULE = "invalid_schedule"
    MINIMUM_TOO_LOW = "payout_minimum_too_low"
    HOLDING_TOO_SHORT = "holding_period_too_short"
    HOLDING_TOO_LONG = "holding_period_too_long"
    INVALID_CURRENCY = "invalid_currency"
    NO_PAYOUT_ACCOUNT = "no_payout_account"


class PayoutError(DomainError):
    pass
