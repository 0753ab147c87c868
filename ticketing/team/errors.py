from enum import StrEnum

from core.errors import DomainError


class TeamErrorCode(StrEnum):
    PERMISSION_DENIED = "permission_denied"
    INVALID = "invalid"
    ALREADY_MEMBER = "already_member"
    NOT_A_MEMBER = "not_a_member"
    LAST_OWNER = "last_owner"


class TeamError(DomainError):
    pass
