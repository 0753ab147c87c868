from enum import StrEnum

from core.errors import DomainError


class LedgerErrorCode(StrEnum):
    INVALID_AMOUNT = "invalid_amount"
    CURRENCY_MISMATCH = "currency_mismatch"
    SALE_NOT_RECORDED = "sale_not_recorded"
    REFUND_EXCEEDS_SALE = "refund_exceeds_sale"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NOT_PROCESSOR_SALE = "not_processor_sale"
    BUSY = "busy"


class LedgerError(DomainError):
    pass
