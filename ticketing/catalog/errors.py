from enum import StrEnum

from core.errors import DomainError


class CatalogErrorCode(StrEnum):
    INVALID = "invalid"
    SLUG_TAKEN = "slug_taken"
    WRONG_CURRENCY = "wrong_currency"
    UNKNOWN_CURRENCY = "unknown_currency"
    INVALID_PRICE = "invalid_price"
    STATUS_CONFLICT = "status_conflict"


class CatalogError(DomainError):
    pass
