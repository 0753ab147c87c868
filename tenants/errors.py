from enum import StrEnum

from core.errors import DomainError


class TenantErrorCode(StrEnum):
    SLUG_INVALID = "slug_invalid"
    SLUG_RESERVED = "slug_reserved"
    SLUG_TAKEN = "slug_taken"
    HOSTNAME_INVALID = "hostname_invalid"
    HOSTNAME_TAKEN = "hostname_taken"
    NAME_REQUIRED = "name_required"
    EMAIL_INVALID = "email_invalid"
    LANGUAGE_UNSUPPORTED = "language_unsupported"
    CURRENCY_INVALID = "currency_invalid"
    COUNTRY_INVALID = "country_invalid"
    PLAN_UNKNOWN = "plan_unknown"
    STATUS_CONFLICT = "status_conflict"
    BUSY = "busy"


class TenantError(DomainError):
    pass
