from enum import StrEnum

from core.errors import DomainError


class OrderErrorCode(StrEnum):
    INVALID_BUYER = "invalid_buyer"
    PRICE_MISMATCH = "price_mismatch"
    HOLD_EXPIRED = "hold_expired"
    HOLD_NOT_ACTIVE = "hold_not_active"
    STATUS_CONFLICT = "status_conflict"
    NOTHING_TO_REFUND = "nothing_to_refund"
    INVALID_LINK = "invalid_link"
    EVENT_CANCELLED = "event_cancelled"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"


class OrderError(DomainError):
    pass
