from enum import StrEnum

from core.errors import DomainError


class TicketErrorCode(StrEnum):
    MALFORMED_PAYLOAD = "malformed_payload"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    NO_VALID_TICKETS = "no_valid_tickets"
    KEY_NOT_FOUND = "key_not_found"
    KEY_UNREADABLE = "key_unreadable"


class TicketError(DomainError):
    pass
