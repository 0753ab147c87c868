from enum import StrEnum

from core.errors import DomainError


class ApiErrorCode(StrEnum):
    INVALID_SCOPES = "invalid_scopes"
    INVALID_NAME = "invalid_name"
    KEY_NOT_FOUND = "key_not_found"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"


class ApiError(DomainError):
    pass
