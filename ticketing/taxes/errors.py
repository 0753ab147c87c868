from enum import StrEnum

from core.errors import DomainError


class TaxErrorCode(StrEnum):
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_REGION = "unknown_region"
    INVALID_REGION = "invalid_region"
    INVALID_TAX_RULE = "invalid_tax_rule"
    INVALID_VAT_ID = "invalid_vat_id"


class TaxError(DomainError):
    pass
