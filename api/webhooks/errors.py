from __future__ import annotations

from enum import StrEnum

from core.errors import DomainError


class WebhookErrorCode(StrEnum):
    INVALID_URL = "invalid_url"
    TARGET_NOT_ALLOWED = "target_not_allowed"
    INVALID_EVENT_TYPES = "invalid_event_types"
    INVALID_DESCRIPTION = "invalid_description"
    ENDPOINT_DISABLED = "endpoint_disabled"
    INVALID_ROLL = "invalid_roll"
    SECRET_UNREADABLE = "secret_unreadable"  # noqa: S105 (an error code, not a secret)


class WebhookError(DomainError):
    pass
