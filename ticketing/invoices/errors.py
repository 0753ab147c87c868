from enum import StrEnum

from core.errors import DomainError


class InvoiceErrorCode(StrEnum):
    NOT_PAID = "not_paid"
    NOTHING_TO_CREDIT = "nothing_to_credit"


class InvoiceError(DomainError):
    pass
