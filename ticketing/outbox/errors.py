from __future__ import annotations

from enum import StrEnum

from core.errors import DomainError


class OutboxErrorCode(StrEnum):
    UNKNOWN_TYPE = "unknown_event_type"


class OutboxError(DomainError):
    pass
