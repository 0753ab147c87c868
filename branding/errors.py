from enum import StrEnum

from core.errors import DomainError


class BrandingErrorCode(StrEnum):
    INVALID_THEME = "invalid_theme"
    LOW_CONTRAST = "low_contrast"
    UNSAFE_CSS = "unsafe_css"
    INVALID_IMAGE = "invalid_image"
    IMAGE_TOO_LARGE = "image_too_large"
    INVALID_LINK = "invalid_link"
    INVALID_LEGAL_PAGE = "invalid_legal_page"
    LANGUAGE_UNSUPPORTED = "language_unsupported"
    NOT_TRANSLATABLE = "not_translatable"
    FEATURE_NOT_IN_PLAN = "feature_not_in_plan"
    HOSTNAME_INVALID = "hostname_invalid"
    HOSTNAME_TAKEN = "hostname_taken"
    HOSTNAME_PLATFORM = "hostname_platform"
    REQUEST_NOT_PENDING = "request_not_pending"
    VERIFICATION_FAILED = "verification_failed"
    DNS_UNAVAILABLE = "dns_unavailable"


class BrandingError(DomainError):
    pass
