from enum import StrEnum

from core.errors import DomainError


class ProcessorErrorCode(StrEnum):
    REFUSED = "processor_refused"
    UNAVAILABLE = "processor_unavailable"
    BAD_SIGNATURE = "webhook_signature_invalid"


class ProcessorError(DomainError):
    """The payment processor refused or could not be reached."""

    @property
    def processor_code(self) -> str:
        return str(self.extra.get("processor_code", ""))
