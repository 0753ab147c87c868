from enum import StrEnum

from core.errors import DomainError


class InventoryErrorCode(StrEnum):
    EMPTY_SELECTION = "empty_selection"
    INVALID_QUANTITY = "invalid_quantity"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    UNKNOWN_ITEM = "unknown_item"
    NOT_OFFERED_IN_CURRENCY = "not_offered_in_currency"
    NOT_ON_SALE = "not_on_sale"
    EVENT_NOT_ON_SALE = "event_not_on_sale"
    SOLD_OUT = "sold_out"
    HOLD_EXPIRED = "hold_expired"
    HOLD_NOT_ACTIVE = "hold_not_active"
    BUSY = "busy"
    CAPACITY_BELOW_SOLD = "capacity_below_sold"


class InventoryError(DomainError):
    pass
