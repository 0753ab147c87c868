from enum import StrEnum

from core.errors import DomainError


class ReportErrorCode(StrEnum):
    PERIOD_IN_FUTURE = "report_period_in_future"
    PERIOD_INVALID = "report_period_invalid"
    UNKNOWN_KIND = "report_kind_unknown"
    PAYOUT_REQUIRED = "report_payout_required"
    INVALID_RECIPIENT = "report_recipient_invalid"
    NOT_READY = "report_not_ready"


class ReportError(DomainError):
    pass
