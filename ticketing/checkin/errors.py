from enum import StrEnum

from core.errors import DomainError


class CheckInErrorCode(StrEnum):
    UNKNOWN_TICKET = "unknown_ticket"
    ALREADY_CHECKED_IN = "already_checked_in"
    TICKET_CANCELLED = "ticket_cancelled"
    TICKET_REFUNDED = "ticket_refunded"
    ORDER_NOT_VALID = "order_not_valid"
    WRONG_EVENT = "wrong_event"
    INVALID_INPUT = "invalid_input"


class CheckInError(DomainError):
    pass
