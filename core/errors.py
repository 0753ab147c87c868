"""One error type for every domain, with a stable code, a message and an HTTP status.

Services raise DomainError (or an app's subclass); the API maps it to RFC 9457
problem details and pages show its message. Services never raise DRF errors.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A use case refused: nothing was changed."""

    http_status: int = 400

    def __init__(
        self,
        code: StrEnum | str,
        message: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.extra = extra or {}
        if http_status is not None:
            self.http_status = http_status

    def as_problem(self) -> dict[str, Any]:
        """RFC 9457 problem details body."""
        problem: dict[str, Any] = {
            "type": f"about:blank#{self.code}",
            "title": self.message,
            "status": self.http_status,
            "code": self.code,
        }
        if self.field:
            problem["errors"] = {self.field: [self.message]}
        problem.update(self.extra)
        return problem

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"
