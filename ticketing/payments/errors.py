from enum import StrEnum

from core.errors import DomainError


class PaymentErrorCode(StrEnum):
    UNKNOWN_PROVIDER = "unknown_provider"
    METHOD_NOT_OFFERED = "payment_method_not_offered"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"
    INVALID_AMOUNT = "invalid_amount"
    UNSUPPORTED_CURRENCY = "unsupported_currency"
    ORDER_NOT_PAYABLE = "order_not_payable"
    CARD_DECLINED = "card_declined"
    AUTHENTICATION_FAILED = "authentication_failed"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    NOT_A_CARD_ORDER = "not_a_card_order"
    BAD_SIGNATURE = "webhook_signature_invalid"


class PaymentError(DomainError):
    pass
