from enum import StrEnum

from core.errors import DomainError


class BrandingErrorCode(StrEnum):
    INVALID_THEME = "invalid_theme"


class BrandingError(DomainError):
    pass
