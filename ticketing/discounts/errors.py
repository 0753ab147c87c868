from enum import StrEnum

from core.errors import DomainError


class DiscountErrorCode(StrEnum):
    # A buyer's promo code
    UNKNOWN_CODE = "unknown_code"
    CODE_NOT_YET_VALID = "code_not_yet_valid"
    CODE_EXPIRED = "code_expired"
    CODE_EXHAUSTED = "code_exhausted"
    CODE_NOT_APPLICABLE = "code_not_applicable"
    # Staff setting discounts up
    INVALID = "invalid"
    CODE_TAKEN = "code_taken"


class DiscountError(DomainError):
    pass
